import type { Module, ModuleResult } from '../modules/contract.js';
import { markUnsafe } from '../template/templar.js';

/**
 * What `register` stores: the module's result, unsafe as a whole (Ansible wraps module results, whose output may hold
 * "{{"), except set_fact's and include_vars', whose values keep their own marks (Ansible's _ACTION_WITH_CLEAN_FACTS).
 */
export function registeredValue(module: Module, result: ModuleResult): ModuleResult {
  return module.setsHostVars || module.includesVars ? result : markUnsafe(result);
}
