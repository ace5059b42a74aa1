import type { InventoryEdit } from './edits.js';
import { InventoryError } from './errors.js';
import { expandHostPattern } from './ranges.js';
import { toPlain, type LoadedYaml } from './yaml-1.1.js';

const SECTIONS = ['vars', 'children', 'hosts'] as const;

/** The outcome of reading a YAML inventory: its edits, and what Ansible only warns about. */
export interface YamlInventory {
  edits: InventoryEdit[];
  warnings: string[];
}

/**
 * Reads a YAML (or JSON) inventory like Ansible 2.14's yaml plugin: top-level keys are groups, each with optional
 * `hosts` (name -> vars or null; ranges allowed), `vars` and `children` (name -> group, recursively).
 */
export function parseYamlInventory(yaml: LoadedYaml, file: string): YamlInventory {
  const edits: InventoryEdit[] = [];
  const warnings: string[] = [];
  const fail = (reason: string, path: readonly unknown[]): never => {
    throw new InventoryError(reason, file, yaml.lineOf(path));
  };

  const parseGroup = (group: unknown, data: unknown, path: unknown[]): string => {
    if (typeof group !== 'string') fail(`Invalid group name supplied, expected a string but got ${describe(group)} for ${String(group)}`, path);
    const name = group as string;
    const line = yaml.lineOf(path);
    if (data !== null && !(data instanceof Map)) {
      if (path.length === 1) {
        warnings.push(`${file}:${line}: Skipping '${name}' as this is not a valid group definition`);
        return name;
      }
      fail(`Group '${name}' must be a mapping (with hosts, vars, children) or empty, found ${describe(data)}`, path);
    }
    edits.push({ kind: 'group', group: name, line });
    if (data === null) return name;
    const sections = data as Map<unknown, unknown>;

    for (const section of SECTIONS) {
      const value = sections.get(section);
      if (typeof value === 'string') sections.set(section, new Map([[value, null]]));
      else if (value !== undefined && value !== null && !(value instanceof Map)) {
        fail(`Invalid "${section}" entry for "${name}" group, requires a dictionary, found ${describe(value)} instead.`, [...path, section]);
      }
    }
    for (const [key, value] of sections) {
      const keyPath = [...path, key];
      if (!(value instanceof Map)) {
        if (value !== null) warnings.push(`${file}:${yaml.lineOf(keyPath)}: Skipping key (${String(key)}) in group (${name}) as it is not a mapping, it is ${describe(value)}`);
        continue;
      }
      if (key === 'vars') {
        for (const [varName, varValue] of value) {
          edits.push({ kind: 'groupVar', group: name, key: String(varName), value: toPlain(varValue), line: yaml.lineOf([...keyPath, varName]) });
        }
      } else if (key === 'children') {
        for (const [child, childData] of value) {
          const childName = parseGroup(child, childData, [...keyPath, child]);
          edits.push({ kind: 'child', parent: name, child: childName, line: yaml.lineOf([...keyPath, child]) });
        }
      } else if (key === 'hosts') {
        for (const [pattern, hostVars] of value) edits.push(...hostEdits(pattern, hostVars, name, [...keyPath, pattern]));
      } else {
        warnings.push(`${file}:${yaml.lineOf(keyPath)}: Skipping unexpected key (${String(key)}) in group (${name}), only "vars", "children" and "hosts" are valid`);
      }
    }
    return name;
  };

  const hostEdits = (pattern: unknown, vars: unknown, group: string, path: unknown[]): InventoryEdit[] => {
    const line = yaml.lineOf(path);
    if (typeof pattern !== 'string') return fail(`Host pattern ${String(pattern)} must be a string. Enclose integers/floats in quotation marks.`, path);
    let expanded: { hosts: string[]; port?: number };
    try {
      expanded = expandHostPattern(pattern);
    } catch (error) {
      return fail(`Invalid host pattern '${pattern}': ${(error as Error).message}`, path);
    }
    const hostVars = vars || new Map();
    if (!(hostVars instanceof Map)) return fail(`Variables of host '${pattern}' must be a mapping or empty, found ${describe(vars)}`, path);
    return expanded.hosts.flatMap((host): InventoryEdit[] => [
      { kind: 'host', host, group, port: expanded.port, line },
      ...[...hostVars].map(([key, value]): InventoryEdit => ({ kind: 'hostVar', host, key: String(key), value: toPlain(value), line: yaml.lineOf([...path, key]) })),
    ]);
  };

  const data = yaml.data;
  if (data === null || data === undefined) fail('Parsed empty YAML file', []);
  if (!(data instanceof Map)) fail(`YAML inventory has invalid structure, it should be a dictionary, got: ${describe(data)}`, []);
  const top = data as Map<unknown, unknown>;
  if (top.has('plugin')) fail(`Inventory plugin configuration files (plugin: ${String(top.get('plugin'))}) are not supported`, ['plugin']);
  for (const [group, groupData] of top) parseGroup(group, groupData, [group]);
  return { edits, warnings };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Map) return 'a mapping';
  if (Array.isArray(value) || value instanceof Set) return 'a list';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}
