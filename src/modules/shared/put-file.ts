import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ModuleFailure, type FileDiff, type ModuleContext, type ModuleResult, type Plan } from '../contract.js';
import { ValidationFailed, writeFileAtomically } from './atomic-write.js';
import { requirePlaceholder, type ValidateCommand } from './validate-command.js';
import { runFileOperation } from './file-ops.js';
import { diffText, MAX_DIFF_BYTES, sha1 } from './content.js';
import { attributesDiff, planAttributes, type AttributeArgs } from './file-attributes.js';
import { pathInfo } from './file-stat.js';
import { probePaths, type HostProbe, type PathProbe } from './probe.js';

/** What copy and template share: put one file's content at dest, idempotently. */
export interface PutRequest {
  dest: string;
  attributes: AttributeArgs;
  backup: boolean;
  force: boolean;
  follow: boolean;
  /** Content from the controller ... */
  content?: Buffer;
  /** ... or a file already on the host (remote_src). */
  remoteSource?: string;
  /** Make dest's missing parent folders (a file of a copied folder) instead of failing. */
  createParents?: boolean;
  /** The file name used when dest is a folder (none for `content:`). */
  basename?: string;
  /** Reported as the result's `src` and the diff's "after" header. */
  sourceLabel?: string;
  /** Permission bits of the controller source, for mode=preserve. */
  sourceMode?: number;
  /** Run on the new file before it replaces dest: the command's words (%s is the file) and the module's failure. */
  validate?: ValidateCommand;
}

export interface PutState {
  request: PutRequest;
  probe: HostProbe;
  dest: PathProbe;
  /** dest/basename, in case dest is a folder. */
  inside?: PathProbe;
  remoteSource?: PathProbe;
}

export async function readPut(ctx: ModuleContext, request: PutRequest): Promise<PutState> {
  const inside = request.basename === undefined ? [] : [posix.join(request.dest, request.basename)];
  const remote = request.remoteSource === undefined ? [] : [request.remoteSource];
  // The destination's content is only needed to diff it against new content that is diffable and differs.
  const newContent = request.remoteSource === undefined ? request.content : undefined;
  const probe = await probePaths(ctx.connection, [request.dest, ...inside, ...remote], {
    checksum: 'sha1',
    content: ctx.diff && (newContent === undefined || diffText(newContent) !== undefined),
    knownChecksum: ctx.diff && newContent !== undefined ? sha1(newContent) : undefined,
    contentLimit: MAX_DIFF_BYTES,
    owner: request.attributes.owner,
    group: request.attributes.group,
  });
  const [dest, ...rest] = probe.paths;
  return { request, probe, dest, inside: inside.length ? rest[0] : undefined, remoteSource: remote.length ? rest[rest.length - 1] : undefined };
}

interface Destination {
  target: PathProbe;
  createParents: boolean;
}

/**
 * In check mode a missing parent folder is not an error, as in Ansible: an earlier task of the same
 * dry run would have created it, so the file is reported as one that would be written.
 */
function destination({ request, dest, inside }: PutState, check: boolean): Destination {
  const wantsFolder = request.dest.endsWith('/') || dest.stat?.kind === 'directory';
  if (!wantsFolder) {
    if (request.createParents) return { target: dest, createParents: !dest.exists && !dest.parentIsDirectory };
    if (!dest.exists && !dest.parentIsDirectory && !check) throw new ModuleFailure(`Destination directory ${posix.dirname(request.dest)} does not exist`);
    return { target: dest, createParents: false };
  }
  if (!inside) throw new ModuleFailure('can not use content with a dir as dest');
  if (dest.exists && dest.stat?.kind !== 'directory') throw new ModuleFailure(`Destination ${request.dest} is not a directory`);
  return { target: inside, createParents: !dest.exists };
}

interface Source {
  checksum: string;
  /** Known only when it could be fetched for the diff. */
  content?: Buffer;
  mode?: number;
}

function source({ request, remoteSource: found }: PutState): Source {
  if (request.remoteSource === undefined) {
    const content = request.content ?? Buffer.alloc(0);
    return { checksum: sha1(content), content, mode: request.sourceMode };
  }
  if (!found?.exists || !found.stat) throw new ModuleFailure(`Source ${request.remoteSource} not found`);
  if (found.stat.kind !== 'file') throw new ModuleFailure(`Cannot copy invalid source '${request.remoteSource}': not a file`);
  if (!found.readable || found.checksum === undefined) throw new ModuleFailure(`Source ${request.remoteSource} not readable`);
  return { checksum: found.checksum, content: found.content, mode: found.stat.mode };
}

/** mode=preserve: the source file's mode. */
function withPreservedMode(attributes: AttributeArgs, from: Source): AttributeArgs {
  if (attributes.mode !== 'preserve') return attributes;
  if (from.mode === undefined) throw new ModuleFailure('mode=preserve needs a src file to take the mode from');
  return { ...attributes, mode: from.mode };
}

function contentDiff(path: string, target: PathProbe, from: Source, label: string): FileDiff[] {
  const before = target.exists ? diffText(target.content) : '';
  const after = diffText(from.content);
  if (before === undefined || after === undefined) return [];
  return [{ before, after, beforeHeader: path, afterHeader: label }];
}

/** The difference between the wanted file and what is on the host, and how to write it. */
export function planPut(state: PutState, ctx: ModuleContext): Plan {
  const { request, probe } = state;
  const { target, createParents } = destination(state, ctx.check);
  const from = source(state);
  const src = request.sourceLabel === undefined ? {} : { src: request.sourceLabel };

  if (createParents && ctx.check && !request.createParents) return { changed: true, result: { ...src, msg: `dest directory ${posix.dirname(target.path)} would be created` } };
  if (target.exists && target.stat?.kind === 'directory') throw new ModuleFailure(`Destination ${target.path} is a directory`);
  if (target.exists && !request.force) return { changed: false, result: { ...src, dest: target.path, msg: 'file already exists' } };

  const isLink = target.lstat?.kind === 'link';
  const writePath = isLink && request.follow && target.realPath ? target.realPath : target.path;
  const replacing = isLink && !request.follow ? undefined : target.stat;
  const base: ModuleResult = { dest: writePath, ...src, checksum: from.checksum };
  const contentChanged = !target.exists || target.checksum !== from.checksum || (isLink && !request.follow);
  const attributes = planAttributes(withPreservedMode(request.attributes, from), replacing, probe, ctx.check);

  if (!contentChanged && !attributes.changed) {
    return { changed: false, result: { ...base, path: writePath, ...(target.stat ? pathInfo(target.stat) : {}) } };
  }
  if (contentChanged && !ctx.check) requirePlaceholder(request.validate);
  const diff = [...(contentChanged ? contentDiff(target.path, target, from, request.sourceLabel ?? target.path) : []), ...attributesDiff(target.path, attributes, true)];
  return {
    changed: true,
    diff,
    // Ansible's copy module (which also writes templates) reports the legacy md5 of what it wrote.
    result: contentChanged && from.content !== undefined ? { ...base, md5sum: createHash('md5').update(from.content).digest('hex') } : base,
    apply: async () => {
      if (!contentChanged) return pathInfo(await runFileOperation(ctx.connection, writePath, { kind: 'attributes', recurse: false }, attributes));
      const written = await writeFileAtomically(ctx.connection, {
        path: writePath,
        content: request.content,
        remoteSource: request.remoteSource,
        replacing,
        attributes,
        backup: request.backup,
        createParents,
        validate: request.validate?.words,
      }).catch((error: unknown) => {
        throw error instanceof ValidationFailed && request.validate ? request.validate.failure(error) : error;
      });
      return { ...pathInfo(written.stat), ...(written.backupFile ? { backup_file: written.backupFile } : {}) };
    },
  };
}
