import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ModuleFailure, type Module, type ModuleContext } from '../modules/contract.js';
import { pythonStr } from '../template/python-repr.js';
import type { ModuleDocs } from './documentation.js';
import type { FoundModule } from './lookup.js';
import { JSON_ARGS_MARKER, moduleDottedName, moduleStyle, newStylePayload, type ModuleStyle } from './payload.js';
import { NoPythonError, runFileModule, runNewStyle } from './remote.js';
import { parseModuleOutput, type ModuleOutput } from './result.js';
import { documentedArgProblems } from './validate.js';

/** What a module found in the user's Ansible installation needs to run. */
export interface AnsibleModuleSource {
  /** The name as the task wrote it. */
  written: string;
  found: FoundModule;
  bytes: Buffer;
  style: ModuleStyle;
  docs?: ModuleDocs;
  /** The controller's ansible package folder (its module_utils), for new-style modules. */
  coreDir?: string;
  ansibleVersion: string;
  collectionDir(namespace: string, collection: string): string | undefined;
}

const SELINUX_SPECIAL_FS = ['fuse', 'nfs', 'vboxsf', 'ramfs', '9p', 'vfat'];

/** The task's arguments plus the internal ones every Ansible module reads (ANSIBLE_MODULE_ARGS). */
function moduleArgs(source: AnsibleModuleSource, args: Record<string, unknown>, ctx: ModuleContext): Record<string, unknown> {
  return {
    ...args,
    _ansible_check_mode: ctx.check,
    _ansible_no_log: ctx.noLog ?? false,
    _ansible_debug: false,
    _ansible_diff: ctx.diff,
    _ansible_verbosity: Number(ctx.vars.ansible_verbosity ?? 0),
    _ansible_version: source.ansibleVersion,
    _ansible_module_name: source.written,
    _ansible_syslog_facility: 'LOG_USER',
    _ansible_selinux_special_fs: SELINUX_SPECIAL_FS,
    _ansible_string_conversion_action: 'warn',
    _ansible_keep_remote_files: false,
    _ansible_remote_tmp: String(ctx.vars.ansible_remote_tmp ?? '~/.ansible/tmp'),
    _ansible_shell_executable: '/bin/sh',
  };
}

/** As Python's shlex.quote. */
function shlexQuote(text: string): string {
  if (text === '') return "''";
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** The program named on a module file's #! line ({python}: the host's python). */
function interpreterOf(source: AnsibleModuleSource): string[] {
  if (source.style === 'binary') return [];
  const first = source.bytes.subarray(0, 300).toString('utf8').split('\n')[0];
  if (!first.startsWith('#!')) return ['/bin/sh'];
  const words = first.slice(2).trim().split(/\s+/);
  const program = words[0].endsWith('/env') && words.length > 1 ? words[1] : words[0];
  return /python/.test(basename(program)) ? ['{python}'] : words;
}

async function runModule(source: AnsibleModuleSource, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleOutput> {
  const full = moduleArgs(source, args, ctx);
  const interpreter = ctx.vars.ansible_python_interpreter;
  const { found } = source;
  if (source.style === 'new') {
    const zip = await newStylePayload(found, source.bytes, source.coreDir!, source.collectionDir);
    return parseModuleOutput(await runNewStyle(ctx.connection, interpreter, moduleDottedName(found), JSON.stringify({ ANSIBLE_MODULE_ARGS: full }), zip));
  }
  const json = JSON.stringify(full);
  const text = source.style === 'old' ? Object.entries(full).map(([key, value]) => `${key}=${shlexQuote(pythonStr(value))}`).join(' ') : json;
  const bytes = source.style === 'jsonargs' ? Buffer.from(source.bytes.toString('utf8').split(JSON_ARGS_MARKER).join(json)) : source.bytes;
  return parseModuleOutput(await runFileModule(ctx.connection, interpreter, { name: basename(found.path), bytes, args: text, command: interpreterOf(source) }));
}

/**
 * A module of the user's Ansible installation as a betif-play module: the whole module runs on the host in one
 * round trip (in check mode when the run is), and its answer is the plan.
 */
export function ansibleModule(source: AnsibleModuleSource): Module<Record<string, unknown>, ModuleOutput> {
  const [namespace, collection, ...rest] = source.found.fqcn.split('.');
  const options = source.docs?.options ?? {};
  return {
    name: rest.join('.'),
    namespace: `${namespace}.${collection}`,
    origin: source.found.path,
    schema: { type: 'object', properties: Object.fromEntries(Object.keys(options).map((name) => [name, {}])) },
    secretArgs: Object.entries(options).filter(([, option]) => option.no_log).flatMap(([name, option]) => [name, ...(option.aliases ?? [])]),
    checkArgs: source.docs ? (args) => documentedArgProblems(rest.join('.'), source.docs!, args) : undefined,
    async read(ctx, args) {
      try {
        return await runModule(source, args, ctx);
      } catch (error) {
        if (error instanceof NoPythonError) throw new ModuleFailure(`module '${source.written}' needs Python on the host: ${error.message}`);
        throw error;
      }
    },
    plan(_args, output) {
      if (output.result.skipped) return { changed: false, skip: String(output.result.msg ?? '') };
      return { changed: Boolean(output.result.changed), result: output.result, diff: output.diff };
    },
  };
}

export function readModuleFile(found: FoundModule): { bytes: Buffer; style: ModuleStyle } {
  const bytes = readFileSync(found.path);
  return { bytes, style: moduleStyle(bytes) };
}
