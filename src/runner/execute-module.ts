import { loadArgValidator, validateArgs } from '../modules/args.js';
import { ModuleFailure, type FileDiff, type Module, type ModuleContext, type ModuleResult } from '../modules/contract.js';

export interface Execution {
  result: ModuleResult;
  diff: FileDiff[];
}

/** The module contract, applied: validate, read, plan, then apply unless this is a check run. */
export async function executeModule(module: Module, rawArgs: Record<string, unknown>, ctx: ModuleContext): Promise<Execution> {
  await loadArgValidator(module);
  const args = validateArgs(module, rawArgs);
  try {
    const state = await module.read(ctx, args);
    const plan = module.plan(args, state, ctx);
    if (plan.skip !== undefined) return { result: { ...plan.result, changed: false, skipped: true, msg: plan.skip }, diff: [] };
    let result: ModuleResult = { ...plan.result, changed: plan.changed };
    if (plan.changed && plan.apply && !ctx.check) {
      const applied = await plan.apply();
      result = { ...result, ...applied, changed: applied.changed ?? plan.changed };
    }
    return { result, diff: plan.diff ?? [] };
  } catch (error) {
    if (error instanceof ModuleFailure) return { result: { changed: false, ...error.result, failed: true, msg: error.message }, diff: [] };
    throw error;
  }
}
