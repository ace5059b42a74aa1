import { closest } from 'fastest-levenshtein';
import { ModuleFailure } from '../../contract.js';

/** A rule as written in a playbook: a raw line, or a mapping of keys (optionally with their operator) to values. */
export type UdevRule = string | Record<string, string | number | boolean | null>;

/*
 * Keys from udev(7). Match-only keys get `==` by default; keys that can also assign
 * (ATTR{}, ENV{}, NAME, SYMLINK, TAG, SYSCTL{}) and assign-only keys get `=`. To match on
 * one of those, or to use another operator, write it after the key: `"ENV{ID_VENDOR}==": nvidia`,
 * `"RUN+=": /usr/bin/logger`, `"DRIVER!=": vfio-pci`.
 */
const MATCH_ONLY = ['ACTION', 'DEVPATH', 'KERNEL', 'KERNELS', 'SUBSYSTEM', 'SUBSYSTEMS', 'DRIVER', 'DRIVERS', 'ATTRS', 'TAGS', 'CONST', 'TEST', 'PROGRAM', 'RESULT'];
const MATCH_OR_ASSIGN = ['ATTR', 'SYSCTL', 'ENV', 'NAME', 'SYMLINK', 'TAG'];
const ASSIGN_ONLY = ['OWNER', 'GROUP', 'MODE', 'SECLABEL', 'RUN', 'LABEL', 'GOTO', 'IMPORT', 'OPTIONS'];
const KNOWN = [...MATCH_ONLY, ...MATCH_OR_ASSIGN, ...ASSIGN_ONLY];
const MATCH_OPERATORS = ['==', '!='];
const ASSIGN_OPERATORS = ['=', '+=', '-=', ':='];

/** KEY, KEY{attribute}, then an optional operator. */
const KEY_PATTERN = /^([A-Z_]+)(\{[^{}"\s]+\})?(==|!=|\+=|-=|:=|=)?$/;

function valueText(key: string, value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  if (/["\n\r]/.test(text)) throw new ModuleFailure(`udev rule value of ${key} must not contain double quotes or line breaks: ${JSON.stringify(text)}`);
  return text;
}

function pair(key: string, value: string | number | boolean | null): string {
  const match = KEY_PATTERN.exec(key.trim());
  const name = match?.[1];
  if (!match || !name || !KNOWN.includes(name)) {
    const suggestion = closest(name ?? key, KNOWN);
    throw new ModuleFailure(`unknown udev rule key '${key}' (did you mean '${suggestion}'?); known keys: ${KNOWN.join(', ')}`);
  }
  const operator = match[3] ?? (MATCH_ONLY.includes(name) ? '==' : '=');
  if (MATCH_ONLY.includes(name) && !MATCH_OPERATORS.includes(operator)) throw new ModuleFailure(`udev rule key ${name} can only match (==, !=), not assign (${operator})`);
  if (ASSIGN_ONLY.includes(name) && !ASSIGN_OPERATORS.includes(operator)) throw new ModuleFailure(`udev rule key ${name} can only be assigned (=, +=, -=, :=), not matched (${operator})`);
  return `${name}${match[2] ?? ''}${operator}"${valueText(key, value)}"`;
}

/** One line of a rules file: `ACTION=="add", SUBSYSTEM=="pci", ATTR{driver_override}="vfio-pci"`. */
export function renderRule(rule: UdevRule): string {
  if (typeof rule === 'string') {
    if (/[\n\r]/.test(rule)) throw new ModuleFailure(`a udev rule must be a single line: ${JSON.stringify(rule)}`);
    return rule;
  }
  const entries = Object.entries(rule);
  if (entries.length === 0) throw new ModuleFailure('a udev rule mapping must have at least one key');
  return entries.map(([key, value]) => pair(key, value)).join(', ');
}

/** The rules file: one rule per line. */
export function renderRules(rules: readonly UdevRule[]): string {
  return rules.map((rule) => `${renderRule(rule)}\n`).join('');
}
