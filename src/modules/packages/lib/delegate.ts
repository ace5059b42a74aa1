import { ArgumentError, loadArgValidator, validateArgs } from '../../args.js';
import { ModuleFailure, type Module, type ModuleContext, type Plan } from '../../contract.js';

/** Another module's read, kept with the module and arguments its plan needs. */
export interface Delegated {
  module: Module;
  args: Record<string, unknown>;
  state: unknown;
}

/**
 * Runs another module's read with arguments this module built: they are checked against that
 * module's schema (defaults filled in); a mismatch is the task's failure, as in Ansible, where the
 * chosen module rejects them when it runs.
 */
export async function readAs(module: Module, args: Record<string, unknown>, ctx: ModuleContext): Promise<Delegated> {
  let checked: Record<string, unknown>;
  await loadArgValidator(module);
  try {
    checked = validateArgs(module, args);
  } catch (error) {
    if (error instanceof ArgumentError) throw new ModuleFailure(error.message);
    throw error;
  }
  return { module, args: checked, state: await module.read(ctx, checked) };
}

export function planAs(delegated: Delegated, ctx: ModuleContext): Plan {
  return delegated.module.plan(delegated.args, delegated.state, ctx);
}
