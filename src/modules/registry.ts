import type { Module } from './contract.js';
import { importModules } from './module-files.js';

export interface ModuleRegistry {
  find(name: string): Module | undefined;
  names(): string[];
}

/** Loads every module file once: adding a module is adding a file. */
export async function loadModules(): Promise<ModuleRegistry> {
  const modules = await importModules();
  const byName = new Map<string, Module>();
  for (const module of modules) {
    for (const name of [module.name, `${module.namespace ?? 'ansible.builtin'}.${module.name}`, ...(module.aliases ?? [])]) byName.set(name, module);
  }
  return {
    find: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}
