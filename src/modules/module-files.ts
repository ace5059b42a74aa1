import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Module } from './contract.js';

/** Folders under src/modules that hold helpers, not modules. */
export const HELPER_FOLDERS = new Set(['shared', 'lib']);

/** What the registry knows of a module before importing it: the names tasks may use, and how to import it. */
export interface ModuleEntry {
  name: string;
  namespace?: string;
  aliases?: string[];
  load(): Promise<Module>;
}

/** The module files: every file directly inside a family folder (files/, packages/, ...); helpers live in lib/ and shared/. */
export function moduleFiles(root: string, extension: string): string[] {
  const families = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !HELPER_FOLDERS.has(entry.name));
  return families.flatMap((family) =>
    readdirSync(join(root, family.name))
      .filter((file) => file.endsWith(extension) && !file.endsWith('.d.ts'))
      .sort()
      .map((file) => join(root, family.name, file)),
  );
}

/**
 * Every module, imported from the family folders next to this file. The bundle (scripts/bundle.mjs) replaces
 * this function with an index of the same files' names, made at build time, whose entries import their
 * module's own code (its argument validator compiled in) only when a run uses it.
 */
export async function moduleEntries(): Promise<ModuleEntry[]> {
  const root = dirname(fileURLToPath(import.meta.url));
  const modules = await Promise.all(moduleFiles(root, '.js').map(async (file) => (await import(pathToFileURL(file).href)).default as Module));
  return modules.map((module) => ({ name: module.name, namespace: module.namespace, aliases: module.aliases, load: () => Promise.resolve(module) }));
}
