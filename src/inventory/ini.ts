import type { InventoryEdit } from './edits.js';
import { InventoryError } from './errors.js';
import { pythonLiteralOrText } from '../python/literal.js';
import { expandHostPattern } from './ranges.js';
import { shlexSplit } from '../python/shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/**
 * Reads an INI inventory like Ansible 2.14's ini plugin. Lines before any section are hosts of 'ungrouped';
 * [g] lists hosts, [g:vars] key=value pairs, [g:children] groups, which may be declared later in the file.
 * Values are typed like Python literals (42, True, "quoted", [1, 2]), in host lines and [g:vars] alike.
 * knownGroups are the groups earlier sources already declared.
 */
export function parseIni(text: string, file: string, knownGroups: Iterable<string>): InventoryEdit[] {
  const edits: InventoryEdit[] = [];
  const groups = new Set(knownGroups);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  let lineNumber = 0;
  const fail = (reason: string, line = lineNumber): never => {
    throw new InventoryError(reason, file, line);
  };

  const addPendingChildren = (child: string) => {
    for (const parent of pending.get(child)!.parents) {
      edits.push({ kind: 'child', parent, child, line: lineNumber });
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(child);
  };

  for (const rawLine of text.split(LINE_BREAK)) {
    lineNumber++;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;

    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      state = section[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) fail(`Section [${group}:${state}] has unknown type: ${state}`);
      if (!groups.has(group)) {
        // [g:vars] alone does not declare g: it must be declared by [g] or [g:children] somewhere in the file.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNumber, state: 'vars', parents: [] });
        groups.add(group);
        edits.push({ kind: 'group', group, line: lineNumber });
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(`Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`);
    }

    if (state === 'hosts') {
      edits.push(...hostEdits(line, group, lineNumber, fail));
    } else if (state === 'vars') {
      const equals = line.indexOf('=');
      if (equals < 0) fail(`Expected key=value, got: ${line}`);
      const key = line.slice(0, equals).trim();
      edits.push({ kind: 'groupVar', group, key, value: pythonLiteralOrText(line.slice(equals + 1).trim()), line: lineNumber });
    } else {
      const child = GROUP_NAME.exec(line)?.[1] ?? fail(`Expected group name, got: ${line}`);
      if (groups.has(child)) {
        edits.push({ kind: 'child', parent: group, child, line: lineNumber });
      } else {
        const waiting = pending.get(child);
        if (waiting) waiting.parents.push(group);
        else pending.set(child, { line: lineNumber, state: 'children', parents: [group] });
      }
    }
  }

  for (const [name, waiting] of pending) {
    if (waiting.state === 'vars') fail(`Section [${name}:vars] not valid for undefined group: ${name}`, waiting.line);
    fail(`Section [${waiting.parents.at(-1)}:children] includes undefined group: ${name}`, waiting.line);
  }
  return edits;
}

/** "web[1:3]:2222 ansible_user=admin x='a b'  # comment" -> the hosts, each put in the group with its vars. */
function hostEdits(line: string, group: string, lineNumber: number, fail: (reason: string) => never): InventoryEdit[] {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (error) {
    return fail(`Error parsing host definition '${line}': ${(error as Error).message}`);
  }
  const [pattern, ...assignments] = tokens;
  if (!pattern) fail(`Expected a host name, got: ${line}`);
  if (pattern.trim() === '---') fail(`Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`);
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostPattern(pattern);
  } catch (error) {
    return fail(`Invalid host pattern '${pattern}': ${(error as Error).message}`);
  }
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    fail(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
  }
  const vars = assignments.map((assignment) => {
    const equals = assignment.indexOf('=');
    if (equals < 0) fail(`Expected key=value host variable assignment, got: ${assignment}`);
    return [assignment.slice(0, equals), pythonLiteralOrText(assignment.slice(equals + 1))] as const;
  });
  return expanded.hosts.flatMap((host): InventoryEdit[] => [
    { kind: 'host', host, group, port: expanded.port, line: lineNumber },
    ...vars.map(([key, value]): InventoryEdit => ({ kind: 'hostVar', host, key, value, line: lineNumber })),
  ]);
}
