import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, normalize } from 'node:path';
import { bufferEncoding } from '../python/codecs.js';
import { readTextDecrypted } from '../vault/active.js';
import { TemplateError } from './errors.js';
import { glob, isFile } from './glob.js';
import type { Lookup } from './lookup-types.js';
import { pythonStr } from './python-repr.js';
import { isDict } from './python-types.js';
import { currentScope } from './scope.js';
import { templateVars } from './template-vars.js';
import { textToValue } from './text-value.js';
import { truthy } from './python-ops.js';

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** A controller file's bytes as text in a Python codec's name (the ini and csvfile lookups' `encoding`). */
export function decodedText(bytes: Buffer, encoding: string): string {
  const known = bufferEncoding(encoding);
  if (!known) throw new TemplateError(`unknown encoding: ${encoding}`);
  return bytes.toString(known);
}

/** The folders relative paths are found in: the task's search path, its last entry being the playbook's folder. */
export function searchPaths(): readonly string[] {
  const paths = currentScope().searchPaths;
  return paths.length > 0 ? paths : [process.cwd()];
}

/**
 * Ansible's find_file_in_search_path: an absolute (or ~) path as it is; a relative one in each search path's
 * `subdir` folder (unless the path already starts with it), then in the search path itself.
 */
export function findInSearchPath(written: string, subdir: string, paths: readonly string[] = searchPaths()): string | undefined {
  if (written.startsWith('~') || written.startsWith('/')) {
    const path = normalize(expandHome(written));
    return existsSync(path) ? path : undefined;
  }
  const inSubdir = written.split('/')[0] !== subdir;
  const candidates = paths.flatMap((base) => [...(inSubdir ? [join(base, subdir, written)] : []), join(base, written)]);
  return candidates.find((candidate) => existsSync(candidate));
}

function strings(terms: unknown[]): string[] {
  return terms.map(pythonStr);
}

export const file: Lookup = (terms, options) =>
  strings(terms).map((term) => {
    const found = findInSearchPath(term, 'files');
    if (!found || !isFile(found)) throw new TemplateError(`could not locate file in lookup: ${term}`);
    let content = readTextDecrypted(found);
    if (options.rstrip ?? true) content = content.trimEnd();
    if (options.lstrip) content = content.trimStart();
    return content;
  });

/** unvault: a file's content as it is, decrypted when it is vaulted (files/ folder first, as the file lookup). */
export const unvault: Lookup = (terms) =>
  strings(terms).map((term) => {
    const found = findInSearchPath(term, 'files');
    if (!found || !isFile(found)) throw new TemplateError(`Unable to find file matching "${term}" `);
    return readTextDecrypted(found);
  });

/** The template lookup: rendered as the template module renders (template_* variables, the file's folder for includes). */
export const template: Lookup = (terms, options) =>
  strings(terms).map((term) => {
    const found = findInSearchPath(term, 'templates');
    if (!found || !isFile(found)) throw new TemplateError(`the template file ${term} could not be found for the lookup`);
    const extra = isDict(options.template_vars) ? options.template_vars : {};
    const text = (key: string) => (options[key] === undefined || options[key] === null ? undefined : pythonStr(options[key]));
    const rendered = currentScope().renderText(readTextDecrypted(found), {
      vars: { ...templateVars(term, found, null), ...extra },
      includePaths: [dirname(found)],
      tags: { variableStart: text('variable_start_string'), variableEnd: text('variable_end_string'), commentStart: text('comment_start_string'), commentEnd: text('comment_end_string') },
    });
    // convert_data (on by default): text that reads as a list, dict or bool is one, as a templated variable's is.
    if (options.convert_data !== undefined && !truthy(options.convert_data)) return rendered;
    const value = textToValue(rendered.trimEnd());
    return typeof value === 'string' ? rendered : value;
  });

/** first_found's "magic" splitting: files on , and ;  paths also on : */
function splitOn(value: unknown, separators: RegExp): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => splitOn(item, separators));
  return pythonStr(value).split(separators);
}

/**
 * first_found: terms are file names, lists of them, or {files, paths, skip} dicts; with paths, every path is
 * joined with every file. The first candidate found in the search path (files/ folder, or the task's) wins.
 */
export const firstFound: Lookup = (terms, options, context) => {
  let candidates: string[] = [];
  let skip = false;
  const walk = (items: unknown[]) => {
    for (const term of items) {
      if (Array.isArray(term)) {
        walk(term);
        continue;
      }
      if (!isDict(term) && typeof term !== 'string') throw new TemplateError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeof term} for ${pythonStr(term)}`);
      const settings = isDict(term) ? term : options;
      const files = splitOn(settings.files, /[,;]/);
      const paths = splitOn(settings.paths, /[,:;]/);
      skip = Boolean(settings.skip ?? false);
      if (paths.length > 0) candidates.push(...paths.flatMap((path) => files.map((name) => join(path, name))));
      else if (files.length > 0) candidates = files;
      else candidates.push(pythonStr(term));
    }
  };
  walk(terms);
  for (const candidate of candidates) {
    const found = findInSearchPath(candidate, context.subdir);
    if (found) return [found];
  }
  if (skip) return [];
  throw new TemplateError('No file was found when using first_found.');
};

/** fileglob: regular files matching the pattern, in the first search path folder that has any. */
export const fileglob: Lookup = (terms) =>
  strings(terms).flatMap((term) => {
    const name = basename(term);
    const folders = name !== term ? [findInSearchPath(dirname(term), 'files')] : searchPaths().flatMap((base) => [join(base, 'files'), base]);
    for (const folder of folders) {
      if (!folder) continue;
      const found = glob(join(folder, name)).filter(isFile);
      if (found.length > 0) return found;
    }
    return [];
  });
