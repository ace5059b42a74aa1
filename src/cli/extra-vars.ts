import { parse } from 'yaml';
import { parseKeyValueArgs } from '../playbook/kv.js';
import { readTextDecrypted } from '../vault/active.js';
import { VaultError } from '../vault/keyring.js';
import { ANSIBLE_YAML } from '../yaml/pyyaml.js';

export class OptionError extends Error {}

/** `-e` values as Ansible reads them: `@file` (YAML/JSON), inline YAML/JSON text, or `k=v k2=v2`. */
export function parseExtraVars(values: readonly string[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const value of values) {
    let parsed: unknown;
    if (value.startsWith('@')) {
      const path = value.slice(1);
      let text: string;
      try {
        text = readTextDecrypted(path);
      } catch (error) {
        if (error instanceof VaultError) throw error;
        throw new OptionError(`the extra vars file ${path} could not be read`);
      }
      parsed = parseYamlText(text, path);
    } else if (/^\s*[{[]/.test(value)) {
      parsed = parseYamlText(value, 'the -e value');
    } else {
      try {
        parsed = parseKeyValueArgs(value);
      } catch {
        throw new OptionError(`invalid -e value '${value}': use key=value, JSON/YAML text, or @file`);
      }
    }
    if (parsed === null || parsed === undefined) continue;
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new OptionError(`extra vars must be a mapping: '${value}'`);
    Object.assign(vars, parsed);
  }
  return vars;
}

function parseYamlText(text: string, where: string): unknown {
  try {
    return parse(text, ANSIBLE_YAML);
  } catch (error) {
    throw new OptionError(`invalid YAML/JSON in ${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}
