import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../contract.js';
import { removePath } from '../shared/file-ops.js';
import { diffText } from '../shared/content.js';
import { planPut, readPut, type PutState } from '../shared/put-file.js';
import { reloadUdevRules } from './lib/udev-reload.js';
import { renderRules, type UdevRule } from './lib/udev-rule-line.js';

interface UdevRuleArgs {
  name: string;
  dir: string;
  rules?: UdevRule[];
  state: 'present' | 'absent';
  reload: boolean;
}

function rulesPath(args: UdevRuleArgs): string {
  return posix.join(args.dir, args.name.endsWith('.rules') ? args.name : `${args.name}.rules`);
}

/** Runs the file change, then the reload when asked: only ever after the file really changed. */
function withReload(plan: Plan, args: UdevRuleArgs, ctx: ModuleContext): Plan {
  const apply = plan.apply;
  if (!plan.changed || !apply) return { ...plan, result: { ...plan.result, reloaded: false } };
  return {
    ...plan,
    result: { ...plan.result, reloaded: args.reload },
    apply: async () => {
      const applied = await apply();
      if (args.reload) await reloadUdevRules(ctx.connection);
      return applied;
    },
  };
}

function planRemoval(path: string, state: PutState, ctx: ModuleContext): Plan {
  if (!state.dest.exists) return { changed: false, result: { path, state: 'absent' } };
  const before = diffText(state.dest.content);
  return {
    changed: true,
    diff: before === undefined ? [] : [{ before, after: '', beforeHeader: path, afterHeader: path }],
    result: { path, state: 'absent' },
    apply: async () => {
      await removePath(ctx.connection, path);
      return {};
    },
  };
}

export default defineModule<UdevRuleArgs, PutState>({
  name: 'udev_rule',
  examples: `
- name: Give the GPU device nodes to the video group
  betif.platform.udev_rule:
    name: 70-gpu.rules
    rules:
      - SUBSYSTEM: nvidia
        GROUP: video
        MODE: '0660'
`,
  returns: {
    path: { type: 'str', returned: 'always', description: 'The rules file.' },
    state: { type: 'str', returned: 'always', description: 'present or absent.' },
    reloaded: { type: 'bool', returned: 'always', description: 'Whether udev was reloaded.' },
  },
  namespace: 'betif.platform',
  schema: {
    description: "Writes or removes a udev rules file, and reloads udev only when it changed (betif-play's own module).",
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^(?!\\.\\.?$)[^/]+$', description: 'The rules file name, e.g. 70-gpu.rules.' },
      dir: { type: 'string', minLength: 1, default: '/etc/udev/rules.d', description: 'The directory of the rules file.' },
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          type: ['string', 'object'],
          additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        },
        description: 'The rule lines, each a mapping of udev keys to values (matches get ==, assignments =; another operator goes after the key, "RUN+=") or a line of text.',
      },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the rules file is present or absent.' },
      reload: { type: 'boolean', default: true, description: 'Whether udevadm reloads the rules and triggers the devices after a change.' },
    },
  },
  read: (ctx, args) => {
    if (args.state === 'present' && args.rules === undefined) throw new ModuleFailure('state is present but all of the following are missing: rules');
    const content = args.state === 'present' ? Buffer.from(renderRules(args.rules ?? []), 'utf8') : undefined;
    return readPut(ctx, { dest: rulesPath(args), content, attributes: {}, backup: false, force: true, follow: false });
  },
  plan: (args, state, ctx) => {
    const path = rulesPath(args);
    const plan = args.state === 'absent' ? planRemoval(path, state, ctx) : planPut(state, ctx);
    return withReload({ ...plan, result: { ...plan.result, path, state: args.state } }, args, ctx);
  },
});
