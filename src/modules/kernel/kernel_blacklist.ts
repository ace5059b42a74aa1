import { defineModule } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { fieldsDiff, NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { probePaths, type PathProbe } from '../shared/probe.js';

interface KernelBlacklistArgs {
  name: string;
  state: 'present' | 'absent';
  blacklist_file: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The file's lines, right-stripped, as community.general reads them. */
function fileLines(probe: PathProbe): string[] {
  const text = probe.content?.toString('utf8') ?? '';
  return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((line) => line.replace(/\s+$/, ''));
}

export default defineModule<KernelBlacklistArgs, PathProbe>({
  name: 'kernel_blacklist',
  examples: `
- name: Keep nouveau from loading
  community.general.kernel_blacklist:
    name: nouveau
    state: present
`,
  returns: {
  },
  namespace: 'community.general',
  schema: {
    description: "Adds or removes a kernel module's blacklist line in a modprobe.d file.",
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The kernel module to blacklist.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the blacklist line is present or absent.' },
      blacklist_file: { type: 'string', minLength: 1, default: '/etc/modprobe.d/blacklist-ansible.conf', description: 'The file holding the blacklist lines.' },
    },
  },
  read: async (ctx, args) => (await probePaths(ctx.connection, [args.blacklist_file], { content: true })).paths[0],
  plan: (args, probe, ctx) => {
    const pattern = new RegExp(`^blacklist\\s+${escapeRegExp(args.name)}$`);
    const before = fileLines(probe);
    const blacklisted = before.some((line) => !line.trim().startsWith('#') && pattern.test(line.trim()));
    let after = before;
    if (args.state === 'present' && !blacklisted) after = [...before, `blacklist ${args.name}`];
    if (args.state === 'absent' && blacklisted) after = before.filter((line) => !pattern.test(line.trim()));
    // A missing file is created (empty when nothing is blacklisted), and that counts as a change.
    const changed = after !== before || !probe.exists;
    return {
      changed,
      diff: after !== before ? [fieldsDiff({ lines: before }, { lines: after })] : [],
      result: { name: args.name, state: args.state, filename: args.blacklist_file, is_blacklisted: args.state === 'present', lines: after },
      apply: async () => {
        await writeFileAtomically(ctx.connection, {
          path: args.blacklist_file,
          content: Buffer.from(after.map((line) => `${line}\n`).join(''), 'utf8'),
          replacing: probe.stat,
          attributes: NO_ATTRIBUTE_CHANGE,
          backup: false,
        });
        return {};
      },
    };
  },
});
