import { readdir, readFile, stat } from 'node:fs/promises';
import { decryptedText } from '../vault/active.js';
import { extname, join } from 'node:path';
import { InventoryError } from './errors.js';
import { loadYaml, toPlain } from './yaml-1.1.js';

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

export type Vars = Record<string, unknown>;

/** The group_vars/ and host_vars/ beside one inventory source or playbook, read for the given names. */
export interface VarsDir {
  group(name: string): Vars | undefined;
  host(name: string): Vars | undefined;
}

/**
 * Reads BASE/group_vars/NAME and BASE/host_vars/NAME like Ansible's host_group_vars plugin: the first of NAME,
 * NAME.yml, NAME.yaml, NAME.json that exists; when it is a folder, every YAML/JSON file in it (recursively, sorted,
 * hidden and backup~ files skipped) merged in order. Warnings collects what Ansible only warns about.
 */
export async function loadVarsDir(base: string, groups: Iterable<string>, hosts: Iterable<string>, warnings: string[]): Promise<VarsDir> {
  const groupVars = await loadEntityVars(join(base, 'group_vars'), groups, warnings);
  const hostVars = await loadEntityVars(join(base, 'host_vars'), hosts, warnings);
  return { group: (name) => groupVars.get(name), host: (name) => hostVars.get(name) };
}

async function loadEntityVars(dir: string, names: Iterable<string>, warnings: string[]): Promise<Map<string, Vars>> {
  const found = new Map<string, Vars>();
  const info = await stat(dir).catch(() => undefined);
  if (!info) return found;
  if (!info.isDirectory()) {
    warnings.push(`Found ${dir} that is not a directory, skipping`);
    return found;
  }
  const entries = new Set(await readdir(dir));
  for (const name of names) {
    const candidate = ['', ...VARS_EXTENSIONS].map((ext) => name + ext).find((file) => entries.has(file));
    if (candidate === undefined || name.startsWith('/')) continue;
    const path = join(dir, candidate);
    const files = (await stat(path)).isDirectory() ? await varsFilesIn(path) : [path];
    const vars: Vars = {};
    for (const file of files) Object.assign(vars, await loadVarsFile(file));
    found.set(name, vars);
  }
  return found;
}

async function varsFilesIn(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const path = join(dir, name);
    const ext = extname(name);
    const info = await stat(path);
    if (info.isDirectory() && !ext) files.push(...(await varsFilesIn(path)));
    else if (info.isFile() && (!ext || VARS_EXTENSIONS.includes(ext))) files.push(path);
  }
  return files;
}

/** A YAML/JSON file of variables; an empty file has none. */
export async function loadVarsFile(file: string): Promise<Vars> {
  const yaml = loadYaml(decryptedText(await readFile(file, 'utf8'), file), file);
  if (yaml.data === null || yaml.data === undefined) return {};
  if (!(yaml.data instanceof Map)) throw new InventoryError('a vars file must hold a mapping of variable names to values', file, yaml.lineOf([]));
  return toPlain(yaml.data) as Vars;
}
