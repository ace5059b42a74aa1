import { defineModule, type ModuleContext, type ModuleResult, type Plan } from '../contract.js';
import { fieldsDiff } from '../shared/file-attributes.js';
import { readAccounts, type AccountState, type GroupEntry } from './lib/accounts.js';
import { runAccountTool } from './lib/user-apply.js';

interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  non_unique: boolean;
}

function groupDiff(name: string, before: Record<string, unknown>, after: Record<string, unknown>) {
  return [fieldsDiff(before, after, `${name} (group)`)];
}

/** Runs the tool, then reports the group as Ansible does: its gid and the system flag asked for. */
async function runAndReport(ctx: ModuleContext, args: GroupArgs, argv: string[]): Promise<ModuleResult> {
  const { stdout, stderr } = await runAccountTool(ctx.connection, args.name, argv);
  const after = (await readAccounts(ctx.connection, '', [args.name])).groups.get(args.name);
  return {
    name: args.name,
    state: args.state,
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
    ...(after ? { system: args.system, gid: after.gid } : {}),
  };
}

function planPresent(args: GroupArgs, current: GroupEntry | undefined, ctx: ModuleContext): Plan {
  if (!current) {
    const argv = ['groupadd', ...(args.gid === undefined ? [] : ['-g', String(args.gid), ...(args.non_unique ? ['-o'] : [])]), ...(args.system ? ['-r'] : []), '--', args.name];
    return {
      changed: true,
      diff: groupDiff(args.name, { state: 'absent' }, { state: 'present', ...(args.gid === undefined ? {} : { gid: args.gid }) }),
      // In check mode Ansible reports nothing but the change.
      result: {},
      apply: () => runAndReport(ctx, args, argv),
    };
  }
  const result = { name: args.name, state: args.state, system: args.system, gid: current.gid };
  if (args.gid === undefined || args.gid === current.gid) return { changed: false, result };
  return {
    changed: true,
    diff: groupDiff(args.name, { gid: current.gid }, { gid: args.gid }),
    result,
    apply: () => runAndReport(ctx, args, ['groupmod', '-g', String(args.gid), ...(args.non_unique ? ['-o'] : []), '--', args.name]),
  };
}

function planAbsent(args: GroupArgs, current: GroupEntry | undefined, ctx: ModuleContext): Plan {
  if (!current) return { changed: false, result: { name: args.name, state: args.state } };
  return {
    changed: true,
    diff: groupDiff(args.name, { state: 'present' }, { state: 'absent' }),
    result: {},
    apply: () => runAndReport(ctx, args, ['groupdel', '--', args.name]),
  };
}

export default defineModule<GroupArgs, AccountState>({
  name: 'group',
  examples: `
- name: A group for the application
  ansible.builtin.group:
    name: app
    gid: 1500
`,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The group name.' },
    gid: { type: 'int', returned: 'when present', description: 'The group id.' },
    state: { type: 'str', returned: 'always', description: 'present or absent.' },
    system: { type: 'bool', returned: 'when present', description: 'Whether it is a system group.' },
  },
  schema: {
    description: 'Creates, changes or removes a group.',
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The group name.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the group is present or absent.' },
      gid: { type: 'integer', minimum: 0, description: 'The group id.' },
      system: { type: 'boolean', default: false, description: 'Whether a new group is a system group (gid from the system range).' },
      non_unique: { type: 'boolean', default: false, description: 'Whether gid may be one another group already has.' },
    },
    if: { properties: { non_unique: { const: true } }, required: ['non_unique'] },
    then: { required: ['gid'] },
  },
  read: (ctx, args) => readAccounts(ctx.connection, '', [args.name]),
  plan: (args, state, ctx) => {
    const current = state.groups.get(args.name);
    return args.state === 'absent' ? planAbsent(args, current, ctx) : planPresent(args, current, ctx);
  },
});
