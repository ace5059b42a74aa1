import { readdirSync, readFileSync, statSync } from 'node:fs';
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
 * hidden and backup~ files skipped) merged in order. The names known now are read now (a broken file stops the load);
 * a group or host made later (group_by, add_host) is read when first asked for, as Ansible's plugin reads it for the
 * host's groups each time. Warnings collects what Ansible only warns about.
 */
export function loadVarsDir(base: string, groups: Iterable<string>, hosts: Iterable<string>, warnings: string[]): VarsDir {
  const group = entityVars(join(base, 'group_vars'), warnings);
  const host = entityVars(join(base, 'host_vars'), warnings);
  for (const name of groups) group(name);
  for (const name of hosts) host(name);
  return { group, host };
}

function entityVars(dir: string, warnings: string[]): (name: string) => Vars | undefined {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) return () => undefined;
  if (!info.isDirectory()) {
    warnings.push(`Found ${dir} that is not a directory, skipping`);
    return () => undefined;
  }
  const entries = new Set(readdirSync(dir));
  const found = new Map<string, Vars | undefined>();
  return (name) => {
    if (!found.has(name)) found.set(name, entityFile(dir, entries, name));
    return found.get(name);
  };
}

function entityFile(dir: string, entries: Set<string>, name: string): Vars | undefined {
  const candidate = ['', ...VARS_EXTENSIONS].map((ext) => name + ext).find((file) => entries.has(file));
  if (candidate === undefined || name.startsWith('/')) return undefined;
  const path = join(dir, candidate);
  const files = statSync(path).isDirectory() ? varsFilesIn(path) : [path];
  const vars: Vars = {};
  for (const file of files) Object.assign(vars, loadVarsFile(file));
  return vars;
}

function varsFilesIn(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const path = join(dir, name);
    const ext = extname(name);
    const info = statSync(path);
    if (info.isDirectory() && !ext) files.push(...varsFilesIn(path));
    else if (info.isFile() && (!ext || VARS_EXTENSIONS.includes(ext))) files.push(path);
  }
  return files;
}

/** A YAML/JSON file of variables; an empty file has none. */
export function loadVarsFile(file: string): Vars {
  const yaml = loadYaml(decryptedText(readFileSync(file, 'utf8'), file), file);
  if (yaml.data === null || yaml.data === undefined) return {};
  if (!(yaml.data instanceof Map)) throw new InventoryError('a vars file must hold a mapping of variable names to values', file, yaml.lineOf([]));
  return toPlain(yaml.data) as Vars;
}
