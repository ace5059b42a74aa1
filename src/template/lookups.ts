import { homedir } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { splitArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { pythonStr } from './python-repr.js';
import { isDict } from './python-types.js';
import { MISSING, currentScope } from './scope.js';
import { readTextDecrypted } from '../vault/active.js';

type Keywords = Record<string, unknown>;
type Lookup = (terms: unknown[], options: Keywords) => unknown[];

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * Ansible's search order for a relative path: each search path's `files/` (or `templates/`)
 * folder, then the search path itself, then the working directory.
 */
function findFile(written: string, subdir: string): string | undefined {
  const path = written === '~' || written.startsWith('~/') ? join(homedir(), written.slice(1)) : written;
  if (isAbsolute(path)) return isFile(path) ? path : undefined;
  const candidates = currentScope().searchPaths.flatMap((base) => [join(base, subdir, path), join(base, path)]);
  return [...candidates, resolve(path)].find(isFile);
}

function terms(values: unknown[]): string[] {
  return values.flatMap((term) => (Array.isArray(term) ? term : [term])).map(pythonStr);
}

const file: Lookup = (values, options) =>
  terms(values).map((term) => {
    const found = findFile(term, 'files');
    if (!found) throw new TemplateError(`could not locate file in lookup: ${term}`);
    let content = readTextDecrypted(found);
    if (options.rstrip ?? true) content = content.trimEnd();
    if (options.lstrip) content = content.trimStart();
    return content;
  });

const template: Lookup = (values) =>
  terms(values).map((term) => {
    const found = findFile(term, 'templates');
    if (!found) throw new TemplateError(`the template file ${term} could not be found for the lookup`);
    return currentScope().renderText(readTextDecrypted(found));
  });

const env: Lookup = (values, options) => terms(values).map((name) => process.env[name] ?? options.default ?? '');

const vars: Lookup = (values, options) =>
  terms(values).map((name) => {
    const value = currentScope().resolve(name);
    if (value !== MISSING) return value;
    if (Object.hasOwn(options, 'default')) return options.default;
    throw new TemplateError(`No variable found with this name: ${name}`);
  });

/** first_found: the first existing file among the terms (strings, or {files, paths} dicts). */
const firstFound: Lookup = (values, options) => {
  const candidates = values.flatMap((term) => (Array.isArray(term) ? term : [term])).flatMap((term) => {
    const spec = isDict(term) ? term : { files: [term], paths: options.paths ?? [] };
    const files = (Array.isArray(spec.files) ? spec.files : [spec.files]).map(pythonStr);
    const paths = (Array.isArray(spec.paths) ? spec.paths : spec.paths ? [spec.paths] : []).map(pythonStr);
    return paths.length > 0 ? paths.flatMap((dir) => files.map((name) => join(dir, name))) : files;
  });
  for (const candidate of candidates) {
    const found = findFile(candidate, 'files');
    if (found) return [found];
  }
  if (options.skip) return [];
  throw new TemplateError('No file was found when using first_found.');
};

const LOOKUPS: Record<string, Lookup> = {
  file,
  template,
  env,
  vars,
  first_found: firstFound,
  items: (values) => values.flatMap((term) => (Array.isArray(term) ? term : [term])),
  list: (values) => values,
  dict: (values) => values.flatMap((term) => (isDict(term) ? Object.entries(term).map(([key, value]) => ({ key, value })) : [])),
};

function run(name: unknown, args: unknown[]): { values: unknown[]; keywords: Keywords } {
  const { positional, keywords } = splitArgs(args);
  const plugin = pythonStr(name).replace(/^ansible\.builtin\./, '');
  const lookup = LOOKUPS[plugin];
  if (!lookup) throw new TemplateError(`lookup plugin (${plugin}) not found`);
  const { wantlist: _wantlist, errors = 'strict', ...options } = keywords;
  try {
    return { values: lookup(positional, options), keywords };
  } catch (error) {
    if (errors === 'ignore' || errors === 'warn') return { values: [], keywords };
    throw error;
  }
}

/** lookup(): a comma-joined string for text results, the item itself for one non-text result. */
function lookup(name: unknown, ...args: unknown[]): unknown {
  const { values, keywords } = run(name, args);
  if (keywords.wantlist) return values;
  if (values.every((value) => typeof value === 'string')) return values.join(',');
  return values.length === 1 ? values[0] : values;
}

function query(name: unknown, ...args: unknown[]): unknown[] {
  return run(name, args).values;
}

export const LOOKUP_GLOBALS: Record<string, Callable> = { lookup, query, q: query };
