import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { bindArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { pythonStr } from './python-repr.js';
import { isText, pyTypeName, tuple } from './python-types.js';

/** os.path.basename / dirname as Python computes them ('/a/b/' has basename ''). */
function basename(value: unknown): string {
  const path = pythonStr(value);
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(value: unknown): string {
  const path = pythonStr(value);
  const head = path.slice(0, path.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** os.path.join: an absolute part restarts the path; a separator is added only where missing. */
function osPathJoin(parts: string[]): string {
  return parts.reduce((joined, part) => (part.startsWith('/') || joined === '' ? part : joined.endsWith('/') ? joined + part : `${joined}/${part}`), '');
}

function pathJoin(value: unknown): string {
  if (isText(value)) return value.toString();
  if (!Array.isArray(value)) throw new TemplateError(`|path_join expects string or sequence, got <class '${pyTypeName(value)}'> instead.`);
  return osPathJoin(value.map(pythonStr));
}

/** os.path.realpath: symlinks resolved as far as the path exists, the rest normalised (strict=False). */
function realpath(value: unknown): string {
  const absolute = posix.resolve(pythonStr(value));
  const parts = absolute.split('/').filter(Boolean);
  for (let existing = parts.length; existing > 0; existing--) {
    try {
      return posix.join(realpathSync('/' + parts.slice(0, existing).join('/')), ...parts.slice(existing));
    } catch {
      // this prefix does not exist: try a shorter one
    }
  }
  return absolute;
}

function relpath(value: unknown, ...args: unknown[]): string {
  const [start] = bindArgs('relpath', args, ['start'], ['.']);
  const path = pythonStr(value);
  if (path === '') throw new TemplateError('no path specified');
  return posix.relative(posix.resolve(pythonStr(start)), posix.resolve(path)) || '.';
}

/** os.path.splitext: the extension starts at the last dot of the last component, leading dots excepted. */
function splitext(value: unknown): string[] {
  const path = pythonStr(value);
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return tuple([path, '']);
  const cut = path.length - base.length + dot;
  return tuple([path.slice(0, cut), path.slice(cut)]);
}

/** os.path.expanduser: `~` and `~/...` with $HOME; `~user` is left alone unless it is the current user. */
function expanduser(value: unknown): string {
  const path = pythonStr(value);
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const user = path.slice(1, slash === -1 ? undefined : slash);
  if (user !== '') return path;
  const home = (process.env.HOME ?? homedir()).replace(/\/+$/, '') || '/';
  return home + path.slice(1 + user.length);
}

/** os.path.expandvars: $NAME and ${NAME} from the environment; unknown names are left as written. */
function expandvars(value: unknown): string {
  return pythonStr(value).replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => process.env[name.replace(/^\{|\}$/g, '')] ?? whole);
}

export const PATH_FILTERS: Record<string, Callable> = {
  basename,
  dirname,
  path_join: pathJoin,
  realpath,
  relpath,
  splitext,
  expanduser,
  expandvars,
};
