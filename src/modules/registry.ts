import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Module } from './contract.js';

/** Collections whose modules are also found by their short name (others need their FQCN or `collections:`). */
const SHORT_NAME_COLLECTIONS = new Set(['ansible.builtin', 'betif.platform']);

/** Folders under src/modules that hold helpers, not modules. */
const HELPER_FOLDERS = new Set(['shared', 'lib']);

export interface ModuleRegistry {
  find(name: string): Module | undefined;
  names(): string[];
}

/** The module files: every file directly inside a family folder (files/, packages/, ...); helpers live in lib/ and shared/. */
function moduleFiles(root: string): string[] {
  const families = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !HELPER_FOLDERS.has(entry.name));
  return families.flatMap((family) =>
    readdirSync(join(root, family.name)).filter((file) => file.endsWith('.js')).sort().map((file) => join(root, family.name, file)),
  );
}

/** Loads every module file once: adding a module is adding a file. */
export async function loadModules(): Promise<ModuleRegistry> {
  const root = dirname(fileURLToPath(import.meta.url));
  const modules = await Promise.all(moduleFiles(root).map(async (file) => (await import(pathToFileURL(file).href)).default as Module));
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
