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
  namespace: 'betif.platform',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^(?!\\.\\.?$)[^/]+$' },
      dir: { type: 'string', minLength: 1, default: '/etc/udev/rules.d' },
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          type: ['string', 'object'],
          additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        },
      },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      reload: { type: 'boolean', default: true },
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
