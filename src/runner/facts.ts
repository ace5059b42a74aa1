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
  // A controller-side action sets facts only when it is made to (set_fact, include_vars): `debug: var=ansible_facts`
  // shows them, it does not set them (Ansible's _ACTION_DEBUG).
  if (module.controllerOnly && !module.setsHostVars && !module.includesVars) return {};
  if (module.includesVars) {
    Object.assign(host.includedVars, facts);
    return facts;
  }
  if (module.setsHostVars) {
    Object.assign(host.hostVars, facts);
    // set_fact with cacheable: an actual fact too (ansible_facts.NAME, kept in the fact cache), as Ansible sets both.
    if (result._ansible_facts_cacheable === true) keepFacts(host, facts);
    return facts;
  }
  keepFacts(host, facts);
  return {};
}

/**
 * Ansible's namespace_facts: under ansible_facts without the ansible_ prefix (ansible_local keeps it); a fact
 * returned without the prefix (module_setup, services, getent_passwd) is a variable under that same name.
 */
function keepFacts(host: HostState, facts: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(markUnsafe(facts) as Record<string, unknown>)) {
    const prefixed = name.startsWith('ansible_');
    const key = prefixed && name !== 'ansible_local' ? name.slice('ansible_'.length) : name;
    host.facts[key] = value;
    if (!prefixed) host.ownNamedFacts.add(key);
  }
}
