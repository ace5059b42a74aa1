import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Module } from './contract.js';

/** Folders of module files; each file's default export is one Module. */
const COLLECTIONS: { folder: string; namespace: string }[] = [
  { folder: 'builtin', namespace: 'ansible.builtin' },
  { folder: 'platform', namespace: 'betif.platform' },
];

export interface ModuleRegistry {
  find(name: string): Module | undefined;
  names(): string[];
}

/** Loads every module file once: adding a module is adding a file. */
export async function loadModules(): Promise<ModuleRegistry> {
  const here = dirname(fileURLToPath(import.meta.url));
  const byName = new Map<string, Module>();
  for (const { folder, namespace } of COLLECTIONS) {
    const directory = join(here, folder);
    if (!existsSync(directory)) continue;
    const files = readdirSync(directory).filter((file) => file.endsWith('.js')).sort();
    const modules = await Promise.all(files.map(async (file) => (await import(pathToFileURL(join(directory, file)).href)).default as Module));
    for (const module of modules) {
      for (const name of [module.name, `${namespace}.${module.name}`, ...(module.aliases ?? [])]) byName.set(name, module);
    }
  }
  return {
    find: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}
