import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type FileDiff } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { fieldsDiff, NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { removePath } from '../shared/file-ops.js';
import { paramsText, paramWords, wantedContents, type ModprobeFileArgs } from './lib/modprobe-files.js';
import { readModprobeState, type ConfigFile, type ModprobeState } from './lib/modprobe-state.js';

interface ModprobeArgs extends ModprobeFileArgs {
  state?: 'present' | 'absent';
  initramfs: boolean;
}

interface FileChange {
  file: ConfigFile;
  /** The new content; null removes the file. */
  content: string | null;
}

async function run(connection: Connection, argv: string[]): Promise<void> {
  const { rc, stdout, stderr } = await connection.exec(argv);
  if (rc !== 0) throw new ModuleFailure(`${argv.join(' ')} failed: ${stderr.trim() || stdout.trim() || `exit code ${rc}`}`, { rc, stderr });
}

async function applyFileChange(connection: Connection, { file, content }: FileChange): Promise<void> {
  if (content === null) {
    await removePath(connection, file.path);
    return;
  }
  await writeFileAtomically(connection, {
    path: file.path,
    content: Buffer.from(content, 'utf8'),
    replacing: file.stat,
    attributes: NO_ATTRIBUTE_CHANGE,
    backup: false,
    createParents: true,
  });
}

interface Request {
  /** The loaded state to reach: as asked; by default loaded, unless the module is being blacklisted (then left as it is). */
  goal?: 'present' | 'absent';
  params: string;
  /** The parameters as modprobe arguments. */
  words: string[];
}

/** What the arguments ask for; contradictions are refused before the host is touched. */
function understand(args: ModprobeArgs): Request {
  if (args.blacklist && args.state === 'present') throw new ModuleFailure(`${args.name} cannot be blacklisted and loaded (state: present) at once`);
  if (args.blacklist && args.persistent === 'present') throw new ModuleFailure(`${args.name} cannot be blacklisted and loaded at boot (persistent: present) at once`);
  const params = paramsText(args.params);
  return { goal: args.state ?? (args.blacklist ? undefined : 'present'), params, words: paramWords(params) };
}

export default defineModule<ModprobeArgs, ModprobeState>({
  name: 'modprobe',
  examples: `
- name: Load vfio-pci now and at boot, with options
  betif.platform.modprobe:
    name: vfio-pci
    params:
      ids: 10de:2204
    persistent: present
    initramfs: true

- name: Blacklist nouveau and unload it
  betif.platform.modprobe:
    name: nouveau
    state: absent
    blacklist: true
`,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The kernel module.' },
    params: { type: 'str', returned: 'always', description: 'The parameters applied.' },
    loaded: { type: 'bool', returned: 'always', description: 'Whether the module is loaded after the task.' },
    files_changed: { type: 'list', returned: 'always', description: 'The modprobe.d and modules-load.d files that were (or would be) changed.' },
  },
  namespace: 'betif.platform',
  aliases: ['community.general.modprobe'],
  schema: {
    description: 'Loads or unloads a kernel module, and makes loading, options and blacklisting persistent.',
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[^\\s/-][^\\s/]*$', description: "The kernel module's name." },
      state: { type: 'string', enum: ['present', 'absent'], description: 'Whether the module should be loaded (present) or unloaded (absent) now.' },
      params: { type: ['string', 'object'], additionalProperties: { type: ['string', 'number', 'boolean'] }, description: 'Module parameters, as "key=value ..." text or a mapping; applied when loading and, with persistent, in modprobe.d.' },
      persistent: { type: 'string', enum: ['disabled', 'present', 'absent'], default: 'disabled', description: 'Whether the module is loaded at boot (present, with modules-load.d and options in modprobe.d), not (absent), or left alone (disabled).' },
      blacklist: { type: 'boolean', description: 'Whether the module is blacklisted in modprobe.d (true) or that line removed (false).' },
      initramfs: { type: 'boolean', default: false, description: 'Whether the initramfs is rebuilt (dracut -f, once) when persistent files changed.' },
    },
  },
  read: (ctx, args) => {
    understand(args);
    return readModprobeState(ctx.connection, args.name);
  },
  plan: (args, state, ctx) => {
    const { goal, params, words } = understand(args);
    const changes: FileChange[] = [];
    for (const [path, content] of wantedContents(args, state.files)) {
      const file = state.current.get(path) ?? { path };
      if (content === file.content || (content === null && file.content === undefined)) continue;
      changes.push({ file, content });
    }
    const load = goal === 'present' && !state.loaded;
    const unload = goal === 'absent' && state.loaded;
    const rebuild = args.initramfs && changes.length > 0;
    const loadedAfter = load || (state.loaded && !unload);
    const diff: FileDiff[] = [
      ...(load || unload ? [fieldsDiff({ state: state.loaded ? 'present' : 'absent' }, { state: goal }, `${args.name} (kernel module)`)] : []),
      ...changes.map(({ file, content }) => ({ before: file.content ?? '', after: content ?? '', beforeHeader: file.path, afterHeader: file.path })),
    ];
    return {
      changed: load || unload || changes.length > 0,
      diff,
      result: { name: args.name, params, loaded: loadedAfter, files_changed: changes.map(({ file }) => file.path), initramfs_rebuilt: rebuild },
      apply: async () => {
        if (load) await run(ctx.connection, ['modprobe', '--', args.name, ...words]);
        if (unload) await run(ctx.connection, ['modprobe', '-r', '--', args.name]);
        for (const change of changes) await applyFileChange(ctx.connection, change);
        if (rebuild) await run(ctx.connection, ['dracut', '-f']);
        return {};
      },
    };
  },
});
