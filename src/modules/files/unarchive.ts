import { posix } from 'node:path';
import { shellScript } from '../../connection/quote.js';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult, type Plan } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { NO_ATTRIBUTE_CHANGE, SET_ATTRIBUTES_SH, planTreeAttributes, type AttributeArgs, type AttributeChange } from '../shared/file-attributes.js';
import { chmodText } from '../shared/file-mode.js';
import { pathInfo, type FileStat } from '../shared/file-stat.js';
import { runHostScript } from '../shared/host-script.js';
import { compareArchive, type Comparison } from './lib/archive-compare.js';
import { readArchive, type ArchiveState } from './lib/archive-read.js';
import { readControllerFile } from './lib/controller-file.js';

interface UnarchiveArgs extends AttributeArgs {
  src: string;
  dest: string;
  remote_src?: boolean;
  creates?: string;
  list_files: boolean;
  keep_newer: boolean;
  exclude: string[];
  include: string[];
  extra_opts: string[];
}

type Archive = Extract<ArchiveState, { kind: 'archive' }>;
type UnarchiveState = ArchiveState | (Archive & { verdict: Comparison });

const WORD = { type: 'string', pattern: '^[^\\n]*$' };

const PROPERTIES: Record<string, object> = {
  src: { type: 'string', minLength: 1, description: 'The archive: a file on the controller (copied to the target), or on the target with remote_src.' },
  dest: { type: 'string', minLength: 1, description: 'The existing folder on the target the archive is unpacked into.' },
  remote_src: { type: 'boolean', description: 'The archive is already on the target (src is a path there).' },
  copy: { type: 'boolean', description: 'Old name for the opposite of remote_src (copy: false is remote_src: true).' },
  creates: { type: 'string', minLength: 1, description: 'Skip the task when this path already exists on the target.' },
  list_files: { type: 'boolean', default: false, description: 'Return the list of files in the archive as `files`.' },
  keep_newer: { type: 'boolean', default: false, description: 'Do not replace files on the target that are newer than those in the archive.' },
  exclude: { type: 'array', items: WORD, default: [], description: 'Paths (or patterns) in the archive to leave out.' },
  include: { type: 'array', items: WORD, default: [], description: 'Only these paths of the archive are unpacked.' },
  extra_opts: { type: 'array', items: WORD, default: [], description: 'Extra options for the unpacking command (tar or unzip), one word per item.' },
  decrypt: { type: 'boolean', default: true, description: 'Accepted as Ansible does; a vault-encrypted controller src is always decrypted before it is copied.' },
  ...FILE_ATTRIBUTE_PROPERTIES,
};

function fold(raw: Record<string, unknown>): UnarchiveArgs {
  const args = { ...raw } as unknown as UnarchiveArgs & { copy?: boolean };
  if (args.copy !== undefined) {
    if (raw.remote_src !== undefined) throw new ModuleFailure("parameters are mutually exclusive: ('copy', 'remote_src')");
    args.remote_src = !args.copy;
    delete args.copy;
  }
  args.remote_src ??= false;
  if (args.include.length > 0 && args.exclude.length > 0) throw new ModuleFailure('parameters are mutually exclusive: include|exclude');
  return args;
}

/** The command that unpacks (argv), as unarchive's handler builds it. */
function extractCommand(args: UnarchiveArgs, archive: Archive): string[] {
  if (archive.handler === 'ZipArchive') {
    return ['unzip', '-o', ...args.extra_opts, archive.src, ...(args.exclude.length > 0 ? ['-x', ...args.exclude] : []), ...args.include, '-d', args.dest];
  }
  return [
    'tar', '--extract', '-C', args.dest,
    ...(archive.tarFlag ? [archive.tarFlag] : []),
    ...(args.extra_opts.length > 0 ? ['--show-transformed-names', ...args.extra_opts] : []),
    ...(args.owner ? [`--owner=${args.owner}`] : []),
    ...(args.group ? [`--group=${args.group}`] : []),
    ...(args.keep_newer ? ['--keep-newer-files'] : []),
    ...args.exclude.map((path) => `--exclude=${path.replace(/\/+$/, '')}`),
    '-f', archive.src,
    ...args.include,
  ];
}

/** Every path unarchive gives the task's mode/owner/group: each listed file and each top folder. */
function attributePaths(archive: Archive): string[] {
  const tops = archive.files.filter((name) => name.includes('/')).map((name) => name.split('/')[0]);
  return [...new Set([...archive.files, ...tops])];
}

const SET_EACH_SH = `${SET_ATTRIBUTES_SH}mode=$1 owner=$2 group=$3
shift 3
for p do [ -L "$p" ] || set_attrs "$p" "$mode" "$owner" "$group" 0 0 || exit 1; done
`;

async function setAttributes(ctx: ModuleContext, dest: string, paths: string[], change: AttributeChange): Promise<void> {
  if (!change.changed || paths.length === 0) return;
  await runHostScript(ctx.connection, SET_EACH_SH, [change.mode, change.owner, change.group, ...paths.map((path) => posix.join(dest, path))]);
}

function planAttributeChange(args: UnarchiveArgs, archive: Archive, extracting: boolean): AttributeChange {
  if (args.mode === undefined && args.owner === undefined && args.group === undefined) return NO_ATTRIBUTE_CHANGE;
  // Unpacked files get the archive's modes first: the task's attributes are then set on all of them.
  if (extracting) return { ...NO_ATTRIBUTE_CHANGE, changed: true, mode: args.mode === undefined ? '' : chmodText(args.mode), owner: args.owner ?? '', group: args.group ?? '' };
  const entries = attributePaths(archive).map((path) => archive.stats.get(path)).filter((stat): stat is FileStat => stat !== undefined && stat.kind !== 'link');
  const probe = { umask: archive.umask, uid: archive.uid, gid: archive.gid, ownerUid: archive.ownerUid, groupGid: archive.groupGid, paths: [] };
  return planTreeAttributes(args, entries, probe, false);
}

export default defineModule<Record<string, unknown>, UnarchiveState>({
  name: 'unarchive',
  noAsync: true,
  examples: `
- name: Unpack a release shipped with the role
  ansible.builtin.unarchive:
    src: tool-1.2.tar.gz
    dest: /opt/tool
    creates: /opt/tool/bin/tool

- name: Unpack an archive already on the host
  ansible.builtin.unarchive:
    src: /tmp/site.zip
    dest: /srv/www
    remote_src: true
`,
  returns: {
    dest: { type: 'str', returned: 'always', description: 'The folder the archive was unpacked into.' },
    src: { type: 'str', returned: 'always', description: 'The archive on the host.' },
    handler: { type: 'str', returned: 'always', description: 'The unpacker chosen, as Ansible names it (TgzArchive, ZipArchive ...).' },
    files: { type: 'list', returned: 'when list_files is true', description: 'The paths in the archive.' },
  },
  schema: {
    type: 'object',
    description: 'Unpacks a tar (gz, bz2, xz, zstd) or zip archive into a folder, from the controller or already on the target.',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: PROPERTIES,
  },

  async read(ctx, raw) {
    const args = fold(raw);
    const upload = args.remote_src ? undefined : readControllerFile(ctx, 'files', args.src).content;
    const state = await readArchive(ctx.connection, {
      src: args.remote_src ? args.src : undefined,
      upload,
      dest: args.dest,
      creates: args.creates,
      keepNewer: args.keep_newer,
      owner: args.owner,
      group: args.group,
      extraOpts: args.extra_opts,
      exclude: args.exclude,
      include: args.include,
    });
    if (state.kind !== 'archive') return state;
    const comparison = compareArchive(state, { mode: args.mode, owner: args.owner, group: args.group, keepNewer: args.keep_newer, exclude: args.exclude });
    const tarInCheck = ctx.check && state.handler !== 'ZipArchive';
    // The uploaded copy is kept only for an unpack that is going to happen.
    if (state.uploadDir && (ctx.check || comparison.unarchived || tarInCheck)) await ctx.connection.exec(['rm', '-rf', '--', state.uploadDir]);
    return { ...state, verdict: comparison };
  },

  plan(raw, state, ctx): Plan {
    const args = fold(raw);
    if (state.kind === 'skipped') return { changed: false, skip: `skipped, since ${state.creates} exists` };
    if (state.kind === 'failed') throw new ModuleFailure(state.msg);
    const comparison = 'verdict' in state ? state.verdict : { unarchived: true, diff: '' };
    if (ctx.check && state.handler !== 'ZipArchive') return { changed: false, skip: 'remote module (ansible.legacy.unarchive) does not support check mode when using gtar' };
    const result: ModuleResult = {
      handler: state.handler,
      dest: args.dest,
      src: state.src,
      ...pathInfo(state.destStat),
      ...(args.list_files ? { files: state.files } : {}),
    };
    const diff = comparison.diff ? [{ before: '', after: '', prepared: comparison.diff }] : [];
    const extracting = !comparison.unarchived;
    if (ctx.check) return { changed: extracting, diff, result };
    const attributes = planAttributeChange(args, state, extracting);
    const paths = attributePaths(state);
    return {
      changed: extracting || attributes.changed,
      diff,
      result,
      apply: async () => {
        const applied: ModuleResult = {};
        if (extracting) {
          const cmd = extractCommand(args, state);
          const run = await ctx.connection.exec(shellScript('cd "$1" && shift && LC_ALL=C exec "$@"', [args.dest, ...cmd]));
          if (state.uploadDir) await ctx.connection.exec(['rm', '-rf', '--', state.uploadDir]);
          applied.extract_results = { cmd, rc: run.rc, out: run.stdout, err: run.stderr };
          if (run.rc !== 0) throw new ModuleFailure(`failed to unpack ${state.src} to ${args.dest}`, { ...result, ...applied });
        }
        await setAttributes(ctx, args.dest, paths, attributes);
        return applied;
      },
    };
  },
});
