import { posix } from 'node:path';
import { shellScript } from '../../connection/quote.js';
import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { checkModeSyntax } from '../shared/file-mode.js';
import { effectiveState, linkSourceCandidates, planFileState, type FileArgs, type FileSnapshot } from './lib/file-states.js';
import { readFlags, wantedFlags, withFlags } from './lib/file-flags.js';
import { pathContent } from './lib/path-content.js';
import { unknownOwnerWarnings } from './lib/unknown-owners.js';
import { expandHostPaths } from '../shared/expand-host-paths.js';
import { probePaths } from '../shared/probe.js';

const ALIASES = { path: ['dest', 'name'], attributes: ['attr'] };

type FileModuleArgs = FileArgs & { attributes?: string };

function canonical(raw: Record<string, unknown>): FileModuleArgs {
  const args = foldAliases<FileModuleArgs>(raw, ALIASES);
  checkModeSyntax(args.mode);
  return args;
}

/**
 * Ansible's file module returns its before/after fields as `diff` in every result, --diff or not (playbooks
 * read `result.diff.before.src`); the plan's diff is those fields as the callback prints them (JSON).
 */
function withResultDiff(plan: Plan): Plan {
  const [fields] = plan.diff ?? [];
  if (fields === undefined || fields.prepared !== undefined) return plan;
  return { ...plan, result: { ...plan.result, diff: { before: JSON.parse(fields.before), after: JSON.parse(fields.after) } } };
}

/** Warnings the module gives whether it then succeeds or fails. */
function withWarnings(warnings: string[], plan: () => Plan): Plan {
  if (warnings.length === 0) return plan();
  try {
    const planned = plan();
    return { ...planned, result: { ...planned.result, warnings } };
  } catch (error) {
    if (error instanceof ModuleFailure) throw new ModuleFailure(error.message, { ...error.result, warnings });
    throw error;
  }
}

/** path and src as the module on the host sees them: $VARS and a leading ~ expanded there (as the become user). */
async function onHostPaths(ctx: ModuleContext, args: FileModuleArgs): Promise<FileModuleArgs> {
  const [path, src] = await expandHostPaths(ctx.connection, args.src === undefined ? [args.path] : [args.path, args.src]);
  return { ...args, path, ...(src === undefined ? {} : { src }) };
}

/** What `_diff_peek` (set by Ansible's diff machinery) asks: only whether the file looks binary. */
interface DiffPeek {
  path: string;
  appearsBinary: boolean;
}

/** As Ansible's execute_diff_peek: binary when the first 8192 bytes hold a NUL; an unreadable file counts as text. */
const PEEK_SCRIPT = `all=$(head -c 8192 -- "$1" 2>/dev/null | wc -c); text=$(head -c 8192 -- "$1" 2>/dev/null | tr -d '\\000' | wc -c)
[ "$all" = "$text" ] && echo text || echo binary`;

async function diffPeek(connection: Connection, path: string): Promise<DiffPeek> {
  const result = await connection.exec(shellScript(PEEK_SCRIPT, [path]));
  return { path, appearsBinary: result.stdout.trim() === 'binary' };
}

export default defineModule<Record<string, unknown>, (FileSnapshot & { args: FileModuleArgs; flags?: string; warnings: string[] }) | { peek: DiffPeek }>({
  name: 'file',
  examples: `
- name: Make a directory
  ansible.builtin.file:
    path: /srv/app
    state: directory
    owner: app
    mode: '0755'

- name: Point current at a release
  ansible.builtin.file:
    src: /srv/app/releases/42
    dest: /srv/app/current
    state: link

- name: Remove a file
  ansible.builtin.file:
    path: /tmp/old.conf
    state: absent
`,
  returns: {
    path: { type: 'str', returned: 'success', description: 'The path that was managed.' },
    dest: { type: 'str', returned: 'state is link or hard', description: 'The link that was made.' },
    state: { type: 'str', returned: 'success', description: 'What the path is now (file, directory, link, hard, absent).' },
    mode: { type: 'str', returned: 'when it exists', description: 'The permissions of the path.' },
    owner: { type: 'str', returned: 'when it exists', description: 'The owner of the path.' },
    group: { type: 'str', returned: 'when it exists', description: 'The group of the path.' },
    diff: { type: 'dict', returned: 'success', description: 'The before and after of what changed.' },
  },
  schema: {
    description: 'Creates or removes files, directories and links, and sets their mode and owner.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1, description: 'The path to manage.' },
        state: { enum: ['absent', 'directory', 'file', 'hard', 'link', 'touch'], description: 'What path should be - file (must exist), directory, link, hard (link), touch (create or update times) or absent.' },
        src: { type: 'string', description: 'The target of a link (state=link or hard).' },
        recurse: { type: 'boolean', default: false, description: 'Whether mode and owner are set on everything under a directory.' },
        force: { type: 'boolean', default: false, description: 'Whether a link replaces an existing file or is made to a missing target.' },
        follow: { type: 'boolean', default: true, description: "Whether mode and owner apply to a symbolic link's target rather than the link." },
        modification_time: {
          type: 'string',
          description: "The time to set as the file's modification time: 'preserve' (the default, except for state=touch), 'now' (the default for touch), or a time in modification_time_format.",
        },
        modification_time_format: { type: 'string', default: '%Y%m%d%H%M.%S', description: "The Python strptime format modification_time is written in." },
        access_time: {
          type: 'string',
          description: "The time to set as the file's access time: 'preserve' (the default, except for state=touch), 'now' (the default for touch), or a time in access_time_format.",
        },
        access_time_format: { type: 'string', default: '%Y%m%d%H%M.%S', description: 'The Python strptime format access_time is written in.' },
        attributes: {
          type: 'string',
          description:
            "The file's chattr flags as lsattr shows them ('A', 'ai'); '+A' adds and '-A' removes flags. As in Ansible, the flags are compared as text with lsattr's, and '-' always runs chattr.",
        },
        _diff_peek: { type: 'boolean', description: "Set by Ansible's diff support: only report whether the file appears binary (appears_binary), changing nothing." },
        ...FILE_ATTRIBUTE_PROPERTIES,
      },
      ALIASES,
    ),
  },
  read: async (ctx, raw) => {
    const given = await onHostPaths(ctx, canonical(raw));
    // Any value, false included, asks for the peek (Ansible tests `is not None`).
    if (raw._diff_peek !== undefined && raw._diff_peek !== null) return { peek: await diffPeek(ctx.connection, given.path) };
    const probeFor = (args: FileModuleArgs) =>
      probePaths(ctx.connection, [args.path, ...linkSourceCandidates(args)], {
        owner: args.owner,
        group: args.group,
        tree: args.recurse && args.src === undefined && (args.follow ? 'follow' : true),
      });
    let args = given;
    let probe = await probeFor(args);
    // As Ansible's file module: a folder given as path (unless for link or absent) means the file named after src in it.
    const srcName = args.src === undefined ? '' : posix.basename(args.src.endsWith('/') ? '' : args.src);
    if (srcName && args.state !== 'link' && args.state !== 'absent' && probe.paths[0].stat?.kind === 'directory') {
      args = { ...args, path: posix.join(args.path, srcName) };
      probe = await probeFor(args);
    }
    const target = probe.paths[0];
    const flags = args.attributes !== undefined && target.exists ? await readFlags(ctx.connection, args.path) : undefined;
    const removesFolder = effectiveState(args, target) === 'absent' && target.lstat?.kind === 'directory';
    const content = removesFolder ? await pathContent(ctx.connection, args.path) : undefined;
    const warnings = ctx.check && args.state !== 'absent' ? await unknownOwnerWarnings(ctx.connection, probe, args.owner, args.group) : [];
    return { args, flags, probe, target, content, warnings, byPath: new Map(probe.paths.slice(1).map((found) => [found.path, found])) };
  },
  plan: (_raw, snapshot, ctx) => {
    if ('peek' in snapshot) return { changed: false, result: { path: snapshot.peek.path, appears_binary: snapshot.peek.appearsBinary } };
    const { args, warnings } = snapshot;
    const plan = withWarnings(warnings, () => withResultDiff(planFileState(args, snapshot, ctx)));
    const state = effectiveState(args, snapshot.target);
    // Ansible sets flags on what the task leaves at path; links are left alone here (chattr cannot set them on a symlink).
    if (args.attributes === undefined || state === 'absent' || state === 'link') return plan;
    return withFlags(plan, ctx.connection, args.path, wantedFlags(args.attributes), snapshot.flags);
  },
});
