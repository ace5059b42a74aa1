import { defineModule, ModuleFailure, type FileDiff } from '../contract.js';
import { argTokens, conflicts, removes, updateArgs } from './lib/grubby-args.js';
import { readBootEntries, type BootEntry, type BootState } from './lib/grubby-info.js';

interface GrubbyArgs {
  args?: string | string[];
  remove_args?: string | string[];
  kernel: string;
}

interface EntryChange {
  entry: BootEntry;
  after: string[];
}

const argList = { type: ['string', 'array'], items: { type: 'string' } };

const sameArgs = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((token, at) => token === b[at]);

/** One argument per line, so the diff points at exactly what was added or removed. */
function entryDiff({ entry, after }: EntryChange): FileDiff {
  const header = `${entry.kernel} (args)`;
  const text = (tokens: string[]) => (tokens.length ? `${tokens.join('\n')}\n` : '');
  return { before: text(entry.args), after: text(after), beforeHeader: header, afterHeader: header };
}

export default defineModule<GrubbyArgs, BootState>({
  name: 'grubby',
  examples: `
- name: Turn on the IOMMU for PCI passthrough
  betif.platform.grubby:
    args: [intel_iommu=on, iommu=pt]
    remove_args: [nomodeset]
  register: boot

- name: Reboot when the running kernel lacks them
  ansible.builtin.reboot:
  when: boot.reboot_required
`,
  returns: {
    kernel: { type: 'str', returned: 'always', description: 'The boot entry selection that was asked for.' },
    updated: { type: 'list', returned: 'always', description: 'The kernels whose arguments were (or would be) changed.' },
    reboot_required: { type: 'bool', returned: 'always', description: "Whether the running kernel's /proc/cmdline lacks what the boot entries now have." },
  },
  namespace: 'betif.platform',
  schema: {
    description: "Adds or removes kernel command-line arguments on boot entries with grubby (betif-play's own module).",
    type: 'object',
    additionalProperties: false,
    properties: {
      args: { ...argList, description: 'Kernel arguments every chosen boot entry must have (a list, or one space-separated string).' },
      remove_args: { ...argList, description: 'Kernel arguments that must not be on the chosen boot entries.' },
      kernel: { type: 'string', minLength: 1, default: 'ALL', description: 'The boot entry to change - a kernel path, DEFAULT, or ALL for every entry.' },
    },
  },
  read: (ctx, args) => {
    const add = argTokens(args.args);
    const remove = argTokens(args.remove_args);
    if (add.length === 0 && remove.length === 0) throw new ModuleFailure('one of the following is required: args, remove_args');
    const clashes = conflicts(add, remove);
    if (clashes.length) throw new ModuleFailure(`args and remove_args contradict each other: ${clashes.join('; ')}`);
    return readBootEntries(ctx.connection, args.kernel);
  },
  plan: (args, state, ctx) => {
    if (state.entries.length === 0) throw new ModuleFailure(`grubby lists no boot entry for kernel ${args.kernel}`);
    const wanted = argTokens(args.args);
    const unwanted = argTokens(args.remove_args);
    // The smallest update that fixes every selected entry: only what some entry lacks or still has.
    const add = wanted.filter((arg) => state.entries.some((entry) => !entry.args.includes(arg)));
    const remove = unwanted.filter((arg) => state.entries.some((entry) => removes(entry.args, arg)));
    const changes = add.length || remove.length
      ? state.entries.map((entry) => ({ entry, after: updateArgs(entry.args, remove, add) })).filter(({ entry, after }) => !sameArgs(entry.args, after))
      : [];
    const rebootRequired = wanted.some((arg) => !state.cmdline.includes(arg)) || unwanted.some((arg) => removes(state.cmdline, arg));
    const argv = ['grubby', `--update-kernel=${args.kernel}`, ...(add.length ? [`--args=${add.join(' ')}`] : []), ...(remove.length ? [`--remove-args=${remove.join(' ')}`] : [])];
    return {
      changed: changes.length > 0,
      diff: changes.map(entryDiff),
      result: { kernel: args.kernel, updated: changes.map(({ entry }) => entry.kernel), reboot_required: rebootRequired },
      apply: async () => {
        const { rc, stdout, stderr } = await ctx.connection.exec(argv);
        if (rc !== 0) throw new ModuleFailure(`${argv.join(' ')} failed: ${stderr.trim() || stdout.trim() || `exit code ${rc}`}`, { rc, stderr });
        return { cmd: argv };
      },
    };
  },
});
