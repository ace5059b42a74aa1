import { splitArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { fileglob, file, firstFound, template, unvault } from './lookup-files.js';
import { csvfile } from './lookup-csvfile.js';
import { ini } from './lookup-ini.js';
import { inventoryHostnames } from './lookup-inventory.js';
import { LIST_LOOKUPS } from './lookup-lists.js';
import { PASSWORD_LOOKUPS } from './lookup-password.js';
import { SYSTEM_LOOKUPS } from './lookup-system.js';
import type { Keywords, Lookup, LookupContext } from './lookup-types.js';
import { pythonStr } from './python-repr.js';
import { currentScope } from './scope.js';

const LOOKUPS: Record<string, Lookup> = {
  file,
  template,
  first_found: firstFound,
  fileglob,
  unvault,
  inventory_hostnames: inventoryHostnames,
  ini,
  csvfile,
  ...LIST_LOOKUPS,
  ...SYSTEM_LOOKUPS,
  ...PASSWORD_LOOKUPS,
};

/** The lookup plugins betif-play has, by short name (each also answers to ansible.builtin.NAME). */
export const LOOKUP_NAMES: readonly string[] = Object.keys(LOOKUPS);

function pluginName(name: unknown): string {
  return pythonStr(name).replace(/^ansible\.builtin\./, '');
}

export function hasLookup(name: string): boolean {
  return Object.hasOwn(LOOKUPS, pluginName(name));
}

/** Runs a lookup plugin; `errors='ignore'`/`'warn'` turn a failure into no values (and a call of `ignored`). */
export function runLookup(name: unknown, terms: unknown[], keywords: Keywords, context: LookupContext = { subdir: 'files' }, ignored?: () => void): unknown[] {
  const plugin = pluginName(name);
  if (!Object.hasOwn(LOOKUPS, plugin)) throw new TemplateError(`lookup plugin (${plugin}) not found`);
  const { wantlist: _wantlist, errors = 'strict', ...options } = keywords;
  try {
    return LOOKUPS[plugin](terms, options, context);
  } catch (error) {
    if (errors !== 'ignore' && errors !== 'warn') throw error;
    ignored?.();
    return [];
  }
}

/** A lookup's result in a template, which is unsafe when it has anything (Ansible's allow_unsafe=False). */
function templateLookup(name: unknown, args: unknown[]): { values: unknown[]; keywords: Keywords; failed: boolean } {
  const { positional, keywords } = splitArgs(args);
  let failed = false;
  const values = runLookup(name, positional, keywords, undefined, () => {
    failed = true;
  });
  if (values.length > 0) currentScope().noteUnsafe();
  return { values, keywords, failed };
}

/**
 * lookup(): a comma-joined string for text results, the item itself for one non-text result; as Ansible's, an empty
 * result is the empty list itself, and a failure that errors='ignore' or 'warn' let pass is None.
 */
function lookup(name: unknown, ...args: unknown[]): unknown {
  const { values, keywords, failed } = templateLookup(name, args);
  if (keywords.wantlist) return values;
  if (failed) return null;
  if (values.length === 0) return values;
  if (values.every((value) => typeof value === 'string')) return values.join(',');
  return values.length === 1 ? values[0] : values;
}

function query(name: unknown, ...args: unknown[]): unknown[] {
  return templateLookup(name, args).values;
}

export const LOOKUP_GLOBALS: Record<string, Callable> = { lookup, query, q: query };
