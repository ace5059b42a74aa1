import type { Module, ModuleResult } from '../modules/contract.js';
import { markUnsafe } from '../template/templar.js';
import type { HostState } from './state.js';

/**
 * Keeps what a module published about a host: set_fact values as host variables, gathered facts as facts.
 * Returns the values that now are variables of the task's host.
 */
export function applyFacts(module: Module, host: HostState, result: ModuleResult): Record<string, unknown> {
  const facts = result.ansible_facts;
  if (!facts || typeof facts !== 'object' || result.failed) return {};
  if (module.includesVars) {
    Object.assign(host.includedVars, facts);
    return facts;
  }
  if (module.setsHostVars) {
    Object.assign(host.hostVars, facts);
    return facts;
  }
  Object.assign(host.facts, markUnsafe(facts));
  if (module.ownFactNames) for (const name of Object.keys(facts)) host.ownNamedFacts.add(name);
  return {};
}
