import { ModuleFailure, type FileDiff, type ModuleContext, type ModuleResult, type Plan } from '../../contract.js';
import { ValidationFailed, writeFileAtomically } from '../../shared/atomic-write.js';
import { requirePlaceholder, type ValidateCommand } from '../../shared/validate-command.js';
import { runFileOperation } from '../../shared/file-ops.js';
import { attributesDiff, planAttributes, type AttributeArgs } from '../../shared/file-attributes.js';
import { probePaths, type HostProbe, type PathProbe } from '../../shared/probe.js';
import { fromByteString } from '../../shared/python-regex.js';

/** A text file edited in place (lineinfile, blockinfile): read whole, changed in memory, written back. */
export interface TextFile {
  path: string;
  probe: HostProbe;
  target: PathProbe;
  /** Whether the file exists (following links, as Python's os.path.exists). */
  exists: boolean;
  /** The content as a byte string (see python-regex.ts); '' when missing. */
  text: string;
}

export async function readTextFile(ctx: ModuleContext, path: string, attributes: AttributeArgs): Promise<TextFile> {
  const probe = await probePaths(ctx.connection, [path], { content: true, owner: attributes.owner, group: attributes.group });
  const target = probe.paths[0];
  const exists = target.stat !== undefined;
  if (exists && target.stat?.kind === 'directory') throw new ModuleFailure(`Path ${path} is a directory !`, { rc: 256 });
  if (exists && target.content === undefined) throw new ModuleFailure(`Path ${path} is not a readable regular file`);
  return { path, probe, target, exists, text: target.content?.toString('latin1') ?? '' };
}

export interface TextEditOutcome {
  /** The new content as a byte string. */
  text: string;
  changed: boolean;
  msg: string;
  /** Extra result fields (lineinfile's `found`). */
  result?: ModuleResult;
}

export interface TextEditOptions {
  attributes: AttributeArgs;
  backup: boolean;
  /** lineinfile reports the backup as `backup` (always present), blockinfile as `backup_file`. */
  backupKey: 'backup' | 'backup_file';
  /** The diff's header (default "PATH (content)"); replace shows only the content, no attribute diff. */
  contentHeader?: string;
  attributeDiff?: boolean;
  /** Run on the new file before it replaces the old one (the words of a command, %s is the file). */
  validate?: ValidateCommand;
}

/** Ansible's check_file_attrs: the message grows "... and ownership, perms or SE linux context changed". */
function withAttributeMessage(msg: string, contentChanged: boolean): string {
  return `${contentChanged ? `${msg} and ` : ''}ownership, perms or SE linux context changed`;
}

export function planTextEdit(file: TextFile, edit: TextEditOutcome, options: TextEditOptions, ctx: ModuleContext): Plan {
  const contentDiff: FileDiff = {
    before: file.exists ? fromByteString(file.text) : '',
    after: fromByteString(edit.text),
    beforeHeader: options.contentHeader ?? `${file.path} (content)`,
    afterHeader: options.contentHeader ?? `${file.path} (content)`,
  };
  const backupResult = (backupFile?: string): ModuleResult => {
    const made = backupFile ? { backup_file: backupFile } : {};
    return options.backupKey === 'backup' ? { backup: backupFile ?? '', ...made } : made;
  };
  const base: ModuleResult = { ...edit.result, msg: edit.msg, ...backupResult() };
  const diff = edit.changed ? [contentDiff] : [];

  // Like Ansible, a check run on a missing file stops before looking at attributes.
  if (ctx.check && !file.exists) return { changed: edit.changed, diff, result: base };

  const attributes = planAttributes(options.attributes, file.target.stat, file.probe, ctx.check, { newFileDiff: !ctx.check });
  const changed = edit.changed || attributes.changed;
  const msg = attributes.changed ? withAttributeMessage(edit.msg, edit.changed) : edit.msg;
  const writePath = file.target.realPath ?? file.path;
  if (edit.changed && !ctx.check) requirePlaceholder(options.validate);
  return {
    changed,
    diff: [...diff, ...(options.attributeDiff === false ? [] : attributesDiff(file.path, attributes, false))],
    result: { ...base, msg },
    apply: async () => {
      if (!edit.changed) {
        await runFileOperation(ctx.connection, writePath, { kind: 'attributes', recurse: false }, attributes);
        return {};
      }
      try {
        const written = await writeFileAtomically(ctx.connection, {
          path: writePath,
          content: Buffer.from(edit.text, 'latin1'),
          replacing: file.target.stat,
          attributes,
          backup: options.backup && file.exists,
          createParents: !file.exists,
          validate: options.validate?.words,
        });
        return backupResult(written.backupFile);
      } catch (error) {
        if (error instanceof ValidationFailed && options.validate) throw options.validate.failure(error);
        throw error;
      }
    },
  };
}
