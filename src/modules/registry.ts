import type { Module } from './contract.js';
import { importModules } from './module-files.js';

/** Collections whose modules are also found by their short name (others need their FQCN or `collections:`). */
const SHORT_NAME_COLLECTIONS = new Set(['ansible.builtin', 'betif.platform']);

export interface ModuleRegistry {
  find(name: string): Module | undefined;
  names(): string[];
}

/** Loads every module file once: adding a module is adding a file. */
export async function loadModules(): Promise<ModuleRegistry> {
  const modules = await importModules();
  const byName = new Map<string, Module>();
  for (const module of modules) {
    const namespace = module.namespace ?? 'ansible.builtin';
    const shortName = SHORT_NAME_COLLECTIONS.has(namespace) ? [module.name] : [];
    for (const name of [...shortName, `${namespace}.${module.name}`, ...(module.aliases ?? [])]) byName.set(name, module);
  }
  return {
    find: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}
