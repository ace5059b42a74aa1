import type { Module } from '../modules/contract.js';

/** Whether a name written in a playbook (short, FQCN, alias, or short within one of `collections`) names `module`. */
export function namesModule(name: string, module: Module, collections: readonly string[]): boolean {
  const fqcn = `${module.namespace ?? 'ansible.builtin'}.${module.name}`;
  const names = new Set([module.name, fqcn, ...(module.aliases ?? [])]);
  if (names.has(name)) return true;
  return !name.includes('.') && collections.some((collection) => names.has(`${collection}.${name}`));
}

function inGroup(group: string, module: Module, collections: readonly string[]): boolean {
  const groups = module.actionGroups ?? [];
  if (groups.includes(group)) return true;
  return !group.includes('.') && collections.some((collection) => groups.includes(`${collection}.${group}`));
}

/** A `module_defaults` value: a mapping, or a list of mappings. */
function mappingsOf(layer: unknown): Record<string, unknown>[] {
  const list = Array.isArray(layer) ? layer : [layer];
  return list.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object' && !Array.isArray(item));
}

/**
 * The arguments `module_defaults` give a module, layers from the play inward (a later layer's entry for the same
 * module replaces an earlier one): its groups' defaults, then its own; the task's own arguments go on top.
 */
export function moduleDefaultArgs(module: Module, layers: readonly unknown[], collections: readonly string[]): Record<string, unknown> {
  let own: Record<string, unknown> = {};
  const groups = new Map<string, Record<string, unknown>>();
  for (const mapping of layers.flatMap(mappingsOf)) {
    for (const [key, value] of Object.entries(mapping)) {
      const args = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      if (key.startsWith('group/')) {
        if (inGroup(key.slice('group/'.length), module, collections)) groups.set(key, args);
      } else if (namesModule(key, module, collections)) {
        own = args;
      }
    }
  }
  return Object.assign({}, ...groups.values(), own) as Record<string, unknown>;
}

/** The `collections` keyword as a list of collection names. */
export function collectionsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
