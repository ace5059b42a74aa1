import { spawnSync } from 'node:child_process';
import { TemplateError } from './errors.js';
import { searchPaths } from './lookup-files.js';
import type { Lookup } from './lookup-types.js';
import { pyRegex } from './regex.js';
import { pythonStr } from './python-repr.js';
import { isDict, pyTypeName } from './python-types.js';
import { MISSING, currentScope } from './scope.js';

const env: Lookup = (terms, options) => terms.map((term) => process.env[pythonStr(term).trim().split(/\s+/)[0]] ?? options.default ?? '');

/** A variable by name, templated; else the host's hostvars entry; else the default (when not None). */
const vars: Lookup = (terms, options) =>
  terms.map((term) => {
    if (typeof term !== 'string') throw new TemplateError(`Invalid setting identifier, "${pythonStr(term)}" is not a string, its a <class '${pyTypeName(term)}'>`);
    const scope = currentScope();
    let value = scope.resolve(term);
    if (value === MISSING) {
      const hostvars = scope.resolve('hostvars');
      const host = scope.resolve('inventory_hostname');
      const own = isDict(hostvars) && typeof host === 'string' ? hostvars[host] : undefined;
      if (isDict(own) && Object.hasOwn(own, term)) value = own[term];
    }
    if (value !== MISSING) return value;
    if (options.default !== undefined && options.default !== null) return options.default;
    throw new TemplateError(`No variable found with this name: ${term}`);
  });

/** varnames: the names of the variables matching each regular expression (re.search). */
const varnames: Lookup = (terms) => {
  const names = currentScope().variableNames();
  return terms.flatMap((term) => {
    if (typeof term !== 'string') throw new TemplateError(`Invalid setting identifier, "${pythonStr(term)}" is not a string, it is a <class '${pyTypeName(term)}'>`);
    let regex: RegExp;
    try {
      regex = pyRegex(term);
    } catch (error) {
      // As Ansible's varnames; the reason in Python's words where they agree ("nothing to repeat").
      throw new TemplateError(`Unable to use "${term}" as a search parameter: ${((error as Error).message.split(': ').at(-1) ?? '').toLowerCase()}`);
    }
    return names.filter((name) => regex.test(name));
  });
};

/** A shell command run on the controller from the playbook's folder, as Ansible's pipe and lines run it. */
function shell(lookup: string, term: unknown): string {
  const command = pythonStr(term);
  const paths = searchPaths();
  const run = spawnSync('/bin/sh', ['-c', command], { cwd: paths[paths.length - 1], encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new TemplateError(`lookup_plugin.${lookup}(${command}) returned ${run.status ?? -1}`);
  return run.stdout;
}

const pipe: Lookup = (terms) => terms.map((term) => shell('pipe', term).trimEnd());

/** Python's str.splitlines on the output. */
const lines: Lookup = (terms) => terms.flatMap((term) => shell('lines', term).split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((_, i, all) => i < all.length - 1 || all[i] !== ''));

export const SYSTEM_LOOKUPS: Record<string, Lookup> = { env, vars, varnames, pipe, lines };
