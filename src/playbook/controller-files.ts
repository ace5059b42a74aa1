/** Load-time checks of files a task reads on the controller: a missing static `src` stops the run before it starts. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isTemplateText } from '../modules/args.js';
import type { Module } from '../modules/contract.js';
import { readTextDecrypted } from '../vault/active.js';
import { formatPosition, keyPositionOf, PlaybookError, type Position } from './source.js';
import { templateFileProblem } from './template-check.js';
import { roleFolders } from './search-path.js';
import type { Role } from './types.js';

/** Where a task's relative controller paths are looked for, as the runner's search (role, task file's folder, playbook). */
export interface FileSearch {
  role?: Role;
  baseDir: string;
  playDirs: string[];
}

function candidates(kind: string, written: string, search: FileSearch): string[] {
  if (written.startsWith('/')) return [written];
  if (written === '~' || written.startsWith('~/')) return [join(homedir(), written.slice(1))];
  const roots = [...new Set([...roleFolders(search.role), search.baseDir, ...search.playDirs])];
  return [...new Set(roots.flatMap((root) => [join(root, kind, written), join(root, written)]))];
}

function isBuiltin(module: Module, name: string): boolean {
  return module.name === name && (module.namespace ?? 'ansible.builtin') === 'ansible.builtin';
}

function staticText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && !isTemplateText(value) ? value : undefined;
}

function truthy(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(?:yes|true|on|1|y|t)$/i.test(value));
}

function find(kind: string, written: string, what: string, search: FileSearch, where: Position | undefined, mayBeMade: boolean): string | undefined {
  const paths = candidates(kind, written, search);
  const found = paths.find((path) => existsSync(path));
  if (found || mayBeMade) return found;
  throw new PlaybookError(`${what} '${written}' was not found on the controller (searched: ${paths.join(', ')})`, where);
}

/** Template options that change Jinja's syntax, when all are static (else the file is checked when it is rendered). */
function templateSyntax(args: Record<string, unknown>): Parameters<typeof templateFileProblem>[1] | undefined {
  const names = ['trim_blocks', 'lstrip_blocks', 'block_start_string', 'block_end_string', 'variable_start_string', 'variable_end_string', 'comment_start_string', 'comment_end_string'];
  if (names.some((name) => isTemplateText(args[name]))) return undefined;
  const text = (name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  return {
    trimBlocks: args.trim_blocks === undefined ? undefined : truthy(args.trim_blocks),
    lstripBlocks: args.lstrip_blocks === undefined ? undefined : truthy(args.lstrip_blocks),
    tags: {
      blockStart: text('block_start_string'),
      blockEnd: text('block_end_string'),
      variableStart: text('variable_start_string'),
      variableEnd: text('variable_end_string'),
      commentStart: text('comment_start_string'),
      commentEnd: text('comment_end_string'),
    },
  };
}

function checkTemplateFile(path: string, args: Record<string, unknown>, where: Position | undefined): void {
  const options = templateSyntax(args);
  if (!options) return;
  let text: string;
  try {
    text = readTextDecrypted(path);
  } catch {
    return; // unreadable or encrypted with a password not given: the template module reports it with its own words
  }
  const problem = templateFileProblem(text, options);
  if (!problem) return;
  const at = problem.line === undefined ? path : `${path}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  throw new PlaybookError(`template error in ${at}: ${problem.reason} (the template used by the task at ${formatPosition(where)})`, where);
}

/**
 * `template` and `copy` sources and `include_vars` files named without a template must exist on the
 * controller; a template's text must compile. The message names the file and the task that uses it.
 * `mayBeMade`: an earlier task runs on the controller, so a missing file is left for the run to find.
 */
export function checkControllerFiles(module: Module, args: Record<string, unknown>, written: unknown, search: FileSearch, where: Position | undefined, mayBeMade: boolean): void {
  const argPosition = (name: string) => (written !== null && typeof written === 'object' ? keyPositionOf(written, name) : undefined) ?? where;
  if (isBuiltin(module, 'template')) {
    const src = staticText(args.src);
    const path = src && find('templates', src, 'the template source', search, argPosition('src'), mayBeMade);
    if (path) checkTemplateFile(path, args, argPosition('src'));
  } else if (isBuiltin(module, 'copy')) {
    const src = staticText(args.src);
    if (src && !truthy(args.remote_src) && args.content === undefined) find('files', src, 'the copy source', search, argPosition('src'), mayBeMade);
  } else if (isBuiltin(module, 'include_vars')) {
    // As the module reads it when it runs: `include_vars: >` free-form text ends with a newline that is not part of the name.
    const file = staticText(args.file ?? args._raw_params)?.replace(/\n+$/, '');
    if (file && args.dir === undefined) find('vars', file, 'the vars file', search, argPosition('file'), mayBeMade);
  }
}

/** The folders an imported playbook's tasks fall back to: its own and the first playbook's. */
export function playDirsOf(playDir: string | undefined, importing: readonly string[]): string[] {
  return [...new Set([...(playDir ? [playDir] : []), ...importing.slice(0, 1).map((file) => dirname(file))])];
}
