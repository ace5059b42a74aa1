import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ModuleSearch } from '../ansible-modules/lookup.js';
import { resolveAnsibleModule } from '../ansible-modules/resolve.js';
import { ArgumentError, argValidatorReady, isTemplateText, validateArgs } from '../modules/args.js';
import type { Module } from '../modules/contract.js';
import { isStandIn, type ModuleRegistry } from '../modules/registry.js';
import { closest } from 'fastest-levenshtein';
import { checkKeywordTypes, didYouMean, suggestion } from './keyword-check.js';
import { collectionsOf, moduleDefaultArgs } from './module-defaults.js';
import { BLOCK_KEYWORDS, INCLUDE_ACTIONS, META_ACTIONS, TASK_KEYWORDS } from './keywords.js';
import { parseKeyValueArgs, splitActionText } from './kv.js';
import { loadedTypeName } from './loaded-type-name.js';
import { loadTimeFlag, loadTimeName, loadTimeText } from './load-time-name.js';
import { loadRole, mainFile, roleAllowsDuplicates, roleArgumentSpecs, roleDependencies, roleExists, type RoleReference } from './roles.js';
import { formatPosition, itemPositionOf, keyPositionOf, loadYamlFile, PlaybookError, positionOf, samePositions, type Position } from './source.js';
import type { ActionTask, BlockNode, Handler, Role, RoleFiles, TaskNode } from './types.js';
import { varsMapping } from './vars-keyword.js';
import { checkControllerFiles, playDirsOf } from './controller-files.js';
import { checkTemplatesIn } from './template-check.js';
import { templatedModule } from './templated-module.js';

/** What the loader carries down while it reads a play: where paths resolve, and what is inherited. */
export interface LoadContext {
  registry: ModuleRegistry;
  roleSearchPath: string[];
  baseDir: string;
  role?: Role;
  tags: string[];
  when: unknown[];
  play: PlayCollector;
  importing: string[];
  /** `module_defaults` of the play and the blocks and imports around, outermost first. */
  moduleDefaults: unknown[];
  /** Collections searched first for short module names (the play's, or in a role the role's). */
  collections: string[];
  /** The play's folder (its library/ and collections/ hold modules). */
  playDir?: string;
  /**
   * Shared by the whole playbook: set once a task that runs on the controller has been read, after which a
   * controller file that is missing at load time may be made by the run (a file rendered locally, then copied).
   */
  controllerWrites?: { seen: boolean };
  /** The variables a role name written as a template is rendered with while the play loads (play vars, extra vars). */
  loadVars?: Record<string, unknown>;
  /** -e values, over a task's own vars where a static import's name is templated. */
  extraVars?: Record<string, unknown>;
}

/** Roles and handlers gathered from every part of one play. */
export interface PlayCollector {
  roles: Role[];
  handlers: Handler[];
  roleKeys: Set<string>;
  /** Role handler files already in `handlers`: a role used several times has its handlers once. */
  handlerRoles: Set<string>;
}

/** Keys of a play or block holding task lists: their tasks are checked one by one. */
export const NESTED_TASK_LISTS = new Set(['block', 'rescue', 'always', 'pre_tasks', 'tasks', 'post_tasks', 'handlers']);

/** Keys that hold a module name and its arguments together (the older task spellings). */
const LEGACY_ACTION_KEYS = new Set(['action', 'local_action']);

const SHORT_INCLUDE = (action: string): string => action.replace(/^ansible\.builtin\./, '');

export function asTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((tag) => tag.trim()).filter(Boolean);
}

function asMapping(value: unknown, what: string, position: Position | undefined): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlaybookError(`${what} must be a mapping`, position);
  return value as Record<string, unknown>;
}

function resolvePath(base: string, path: string): string {
  return isAbsolute(path) ? path : join(base, path);
}

/**
 * As Ansible: a task file included in a role is looked for in the role's tasks/ first (a handler including one
 * too), then in the role's own folder (`tasks/x.yml` written from handlers/), then beside the including file, then
 * in the play's folder.
 */
function includedFilePath(ctx: LoadContext, file: string): string {
  const besideIncluder = resolvePath(ctx.baseDir, file);
  if (!ctx.role || isAbsolute(file)) return besideIncluder;
  const inRoleTasks = join(ctx.role.path, 'tasks', file);
  const candidates = [inRoleTasks, join(ctx.role.path, file), besideIncluder, ...(ctx.playDir ? [join(ctx.playDir, file)] : [])];
  return candidates.find((path) => existsSync(path)) ?? inRoleTasks;
}

/** Loads a YAML file that must hold a list of tasks (an empty file is an empty list). */
export function loadTaskFile(path: string, ctx: LoadContext, position: Position | undefined): TaskNode[] {
  if (ctx.importing.includes(path)) throw new PlaybookError(`${path} includes itself (via ${ctx.importing.join(' -> ')})`, position);
  if (!existsSync(path)) throw new PlaybookError(`the tasks file ${path} was not found`, position);
  const data = loadYamlFile(path);
  if (data === null) return [];
  if (!Array.isArray(data)) throw new PlaybookError('a tasks file must be a list of tasks', positionOf(data) ?? { file: path, line: 1, column: 1 });
  return parseTaskList(data, { ...ctx, baseDir: dirname(path), importing: [...ctx.importing, path] });
}

export function parseTaskList(list: unknown, ctx: LoadContext): TaskNode[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw new PlaybookError('expected a list of tasks', positionOf(list));
  return list.map((item, index) => parseTask(item, ctx, itemPositionOf(list, index)));
}

function findAction(raw: Record<string, unknown>, ctx: LoadContext, position: Position | undefined): string {
  const candidates = Object.keys(raw).filter((key) => !(key in TASK_KEYWORDS) || LEGACY_ACTION_KEYS.has(key));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) throw new PlaybookError('no module/action detected in task', position);
  const misspelt = candidates.find((key) => !ctx.registry.find(key) && !INCLUDE_ACTIONS.has(key) && suggestion(key, Object.keys(TASK_KEYWORDS)));
  if (misspelt) throw new PlaybookError(`unknown keyword '${misspelt}'${didYouMean(misspelt, Object.keys(TASK_KEYWORDS))}`, keyPositionOf(raw, misspelt));
  throw new PlaybookError(`conflicting action statements: ${candidates.join(', ')}`, position);
}

export function nodeBase(raw: Record<string, unknown>, ctx: LoadContext, position: Position) {
  const keywords = samePositions(Object.fromEntries(Object.entries(raw).filter(([key]) => key in TASK_KEYWORDS || key in BLOCK_KEYWORDS)), raw);
  if (keywords.vars !== undefined) keywords.vars = varsMapping(keywords.vars);
  return {
    position,
    name: typeof raw.name === 'string' ? raw.name : undefined,
    keywords,
    tags: [...new Set([...ctx.tags, ...asTags(raw.tags)])],
    inheritedWhen: ctx.when,
    role: ctx.role,
    baseDir: ctx.baseDir,
  };
}

function parseTask(raw: unknown, ctx: LoadContext, written: Position | undefined): TaskNode {
  const position = written ?? { file: ctx.importing.at(-1) ?? '<unknown>', line: 1, column: 1 };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new PlaybookError('a task must be a mapping of keywords and one module', position);
  const task = raw as Record<string, unknown>;
  if ('block' in task) {
    noteControllerTask(task, ctx);
    return parseBlock(task, ctx, position);
  }
  const action = findAction(task, ctx, position);
  checkKeywordTypes(task, TASK_KEYWORDS, 'task');
  checkTemplatesIn(task);
  const node = LEGACY_ACTION_KEYS.has(action)
    ? parseLegacyAction(task, ctx, position, action)
    : INCLUDE_ACTIONS.has(action)
      ? parseInclude(task, SHORT_INCLUDE(action), action, ctx, position)
      : parseModuleTask(task, ctx, position, action);
  noteControllerTask(task, ctx);
  return node;
}

const CONTROLLER_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether a play or task (by its keywords) may run on the controller, where it can make files later tasks read. */
export function runsOnController(keywords: Record<string, unknown>, hostsKey: 'hosts' | 'delegate_to'): boolean {
  const target = keywords[hostsKey];
  const names = Array.isArray(target) ? target.map(String) : typeof target === 'string' ? target.split(/[,:]/).map((name) => name.trim()) : [];
  return 'local_action' in keywords || keywords.connection === 'local' || names.some((name) => CONTROLLER_NAMES.has(name) || isTemplateText(name));
}

function noteControllerTask(task: Record<string, unknown>, ctx: LoadContext): void {
  if (ctx.controllerWrites && runsOnController(task, 'delegate_to')) ctx.controllerWrites.seen = true;
}

function parseBlock(task: Record<string, unknown>, ctx: LoadContext, position: Position): BlockNode {
  for (const key of Object.keys(task)) {
    if (!(key in BLOCK_KEYWORDS)) throw new PlaybookError(`'${key}' is not a valid keyword for a block${didYouMean(key, Object.keys(BLOCK_KEYWORDS))}`, keyPositionOf(task, key));
  }
  checkKeywordTypes(task, BLOCK_KEYWORDS, 'block');
  checkTemplatesIn(task, NESTED_TASK_LISTS);
  const base = nodeBase(task, ctx, position);
  const inner: LoadContext = {
    ...ctx,
    tags: base.tags,
    when: task.when === undefined ? ctx.when : [...ctx.when, task.when],
    moduleDefaults: [...ctx.moduleDefaults, task.module_defaults],
    collections: blockCollections(task, ctx),
  };
  return {
    kind: 'block',
    ...base,
    block: parseTaskList(task.block, inner),
    rescue: parseTaskList(task.rescue, inner),
    always: parseTaskList(task.always, inner),
  };
}

/**
 * `action: copy src=a dest=b`, `action: {module: copy, src: a}` and `local_action:` (the same, delegated to
 * localhost): the older spellings of a module task.
 */
function parseLegacyAction(task: Record<string, unknown>, ctx: LoadContext, position: Position, actionKey: string): TaskNode {
  const where = keyPositionOf(task, actionKey);
  const written = task[actionKey];
  let module: string;
  let args: unknown;
  if (typeof written === 'string') {
    try {
      ({ module, args } = splitActionText(written));
    } catch (error) {
      throw new PlaybookError((error as Error).message, where);
    }
  } else {
    const { module: name, ...rest } = written as Record<string, unknown>;
    module = typeof name === 'string' ? name : '';
    args = rest;
  }
  if (!module) throw new PlaybookError(`no module/action detected in '${actionKey}'`, where);
  if (actionKey === 'local_action' && task.delegate_to !== undefined) {
    throw new PlaybookError("'local_action' and 'delegate_to' cannot be used together", keyPositionOf(task, 'delegate_to'));
  }
  const { [actionKey]: _legacy, ...keywords } = task;
  const rewritten: Record<string, unknown> = samePositions({ ...keywords, [module]: args, ...(actionKey === 'local_action' ? { delegate_to: 'localhost' } : {}) }, task);
  if (isTemplateText(module)) return templatedModuleTask(rewritten, ctx, position, module);
  if (INCLUDE_ACTIONS.has(module)) {
    // `action: include_role name=x`: key=value words become the include's arguments.
    if (typeof args === 'string' && /^\w+=/.test(args)) rewritten[module] = samePositions(parseKeyValueArgs(args, '_raw_params'), task);
    return parseInclude(rewritten, SHORT_INCLUDE(module), module, ctx, position);
  }
  return parseModuleTask(rewritten, ctx, position, module, where);
}

/** An `action:` task naming its module with a template: Ansible reads it without its module, which is chosen when it runs. */
function templatedModuleTask(task: Record<string, unknown>, ctx: LoadContext, position: Position, action: string): ActionTask {
  const written = task[action];
  const where = keyPositionOf(task, action);
  const args = typeof written === 'string' ? parseKeyValueArgs(written, '_raw_params') : { ...asMapping(written, `arguments of '${action}'`, where) };
  // As Ansible's: words that are not key=value need a free-form module, which a template does not name.
  if (args._raw_params !== undefined && !isTemplateText(String(args._raw_params))) {
    throw new PlaybookError(`this task '${action}' has extra params, which is only allowed in free-form modules (command, shell, raw, script ...): write its arguments as key=value words or a mapping`, where);
  }
  const given = task.args !== undefined && typeof task.args === 'object' ? { ...(task.args as Record<string, unknown>), ...args } : args;
  const module = templatedModule(action, { registry: ctx.registry, search: moduleSearch(task, ctx) });
  return { kind: 'action', ...nodeBase(task, ctx, position), action, module, args: given };
}

/**
 * A task written to survive its own failure (bad arguments it tests, an optional file, a role that may be missing)
 * is left to fail at run time, as Ansible fails it; any other such task stops the playbook before a host is touched.
 */
function toleratesFailure(task: Record<string, unknown>): boolean {
  return (task.ignore_errors !== undefined && task.ignore_errors !== false) || task.failed_when !== undefined;
}

/** A module by the name a task uses: a short name is looked for in the context's collections first. */
function findModule(name: string, ctx: LoadContext): Module | undefined {
  const inCollections = name.includes('.') ? undefined : ctx.collections.map((collection) => ctx.registry.find(`${collection}.${name}`)).find(Boolean);
  return inCollections ?? ctx.registry.find(name);
}

/** An unknown module: a near keyword or module name for a typo; for a fully qualified name, the nearest module betif-play has. */
function unresolvedModuleMessage(action: string, ctx: LoadContext): string {
  if (!action.includes('.')) return `couldn't resolve module/action '${action}'${didYouMean(action, [...ctx.registry.names(), ...Object.keys(TASK_KEYWORDS)])}`;
  const shortNames = ctx.registry.names().filter((name) => !name.includes('.'));
  const shortName = action.slice(action.lastIndexOf('.') + 1);
  const nearestModule = ctx.registry.find(closest(shortName, shortNames));
  const nearest = nearestModule ? `${nearestModule.namespace ?? 'ansible.builtin'}.${nearestModule.name}` : '';
  return `couldn't resolve module/action '${action}' (the nearest module betif-play has is '${nearest}')`;
}

/**
 * The only k=v words Ansible takes out of a command-like module's free-form text (parse_kv with check_raw): any
 * other `key=value` stays part of the command (`echo cmd=x`).
 */
const RAW_COMMAND_OPTIONS = ['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends'];

function parseModuleTask(task: Record<string, unknown>, ctx: LoadContext, position: Position, action: string, actionPosition?: Position): ActionTask {
  const written = task[action];
  const where = actionPosition ?? keyPositionOf(task, action);
  const module = findModule(action, ctx) ?? ansibleModule(action, task, ctx, where);
  // A first reading only learns which modules the tasks name (see withModules); the next one checks the arguments.
  if (isStandIn(module) || !argValidatorReady(module)) return { kind: 'action', ...nodeBase(task, ctx, position), action, module, args: {} };
  let args: Record<string, unknown>;
  let variableArgs = typeof task.args === 'string' && isTemplateText(task.args) ? task.args : undefined;
  if (typeof written === 'string') {
    try {
      const freeFormKeys = module.freeForm === 'cmd' ? RAW_COMMAND_OPTIONS : Object.keys((module.schema.properties ?? {}) as object);
      args = parseKeyValueArgs(written, module.freeForm ?? VARIABLE_ARGS, module.freeForm ? freeFormKeys : undefined);
    } catch (error) {
      throw new PlaybookError((error as Error).message, where);
    }
    // As Ansible's module argument parser: a template among the words of a module without free-form text is its arguments' mapping.
    if (!module.freeForm && args[VARIABLE_ARGS] !== undefined) {
      const text = String(args[VARIABLE_ARGS]);
      delete args[VARIABLE_ARGS];
      if (isTemplateText(text)) variableArgs = text;
      // A task that tolerates failure fails when it runs, as Ansible's module does with the words it cannot use.
      else if (toleratesFailure(task)) args._raw_params = text;
      else throw new PlaybookError(`cannot parse '${text}': this module takes key=value arguments`, where);
    }
  } else {
    args = { ...asMapping(written, `arguments of '${action}'`, where) };
  }
  if (task.args !== undefined && typeof task.args === 'object') args = { ...(task.args as Record<string, unknown>), ...args };
  const tolerated = toleratesFailure(task);
  if (!tolerated && variableArgs === undefined) {
    try {
      validateArgs(module, { ...moduleDefaultArgs(module, [...ctx.moduleDefaults, task.module_defaults], ctx.collections), ...args }, true);
    } catch (error) {
      if (error instanceof ArgumentError) throw new PlaybookError(error.message, where);
      throw error;
    }
  }
  if (!tolerated) {
    const search = { role: ctx.role, baseDir: ctx.baseDir, playDirs: playDirsOf(ctx.playDir, ctx.importing) };
    checkControllerFiles(module, args, written, search, where, ctx.controllerWrites?.seen ?? false);
  }
  return { kind: 'action', ...nodeBase(task, ctx, position), action, module, args, ...(variableArgs === undefined ? {} : { variableArgs }) };
}

/** Where the words of a module's text that are not key=value go, for a module without free-form text. */
const VARIABLE_ARGS = '_variable_params';

/** A block's or task's own `collections:`, else the ones around it. */
function blockCollections(raw: Record<string, unknown>, ctx: LoadContext): string[] {
  return raw.collections === undefined ? ctx.collections : collectionsOf(raw.collections);
}

/** Where a task's module is looked for in the user's Ansible installation: its roles' and playbooks' library/, its collections. */
function moduleSearch(task: Record<string, unknown>, ctx: LoadContext): ModuleSearch {
  return {
    roleDirs: [...new Set([...(ctx.role ? [ctx.role.path] : []), ...ctx.play.roles.map((role) => role.path)])],
    playbookDirs: [...new Set([...(ctx.playDir ? [ctx.playDir] : []), ...ctx.importing.slice(0, 1).map((file) => dirname(file))])],
    collections: blockCollections(task, ctx),
  };
}

/** A module betif-play has no native version of: from the user's Ansible installation, or a load-time error. */
function ansibleModule(action: string, task: Record<string, unknown>, ctx: LoadContext, where: Position | undefined): Module {
  const resolved = resolveAnsibleModule(action, moduleSearch(task, ctx));
  if ('module' in resolved) return resolved.module;
  if (!resolved.notFound) throw new PlaybookError(resolved.error, where);
  throw new PlaybookError(`${unresolvedModuleMessage(action, ctx)}: ${resolved.error}`, where);
}

function includeArgs(task: Record<string, unknown>, action: string, position: Position | undefined): Record<string, unknown> {
  const value = task[action];
  // `include_tasks: file=x.yml`, `include_role: name=r`: key=value words as Ansible reads them.
  if (typeof value === 'string' && /^\w+=/.test(value)) return parseKeyValueArgs(value, '_raw_params');
  if (typeof value === 'string') return { file: value, name: value };
  return asMapping(value, `arguments of '${action}'`, position);
}

/**
 * ansible-core 2.14's deprecated `include`: an import_tasks unless its file name is a template or it loops (then an
 * include_tasks). Its key=value words are variables of the included tasks; its `vars` are their include
 * parameters, which a static import's are not.
 */
function parseLegacyInclude(task: Record<string, unknown>, actionKey: string, ctx: LoadContext, position: Position): TaskNode {
  const where = keyPositionOf(task, actionKey);
  const written = task[actionKey];
  const { _raw_params: raw, file, ...words } = typeof written === 'string' ? parseKeyValueArgs(written, '_raw_params') : asMapping(written, `arguments of '${actionKey}'`, where);
  const name = String(raw ?? file ?? '');
  const loops = Object.keys(task).some((key) => key === 'loop' || key.startsWith('with_'));
  const vars = varsMapping(task.vars);
  const { [actionKey]: _legacy, ...keywords } = task;
  if (isTemplateText(name) || loops) {
    const included = parseInclude(samePositions({ ...keywords, include_tasks: name, vars: { ...vars, ...words } }, task), 'include_tasks', 'include_tasks', ctx, position);
    return included.kind === 'include_tasks' ? { ...included, legacyAction: actionKey } : included;
  }
  const imported = parseInclude(samePositions({ ...keywords, import_tasks: name, vars: words }, task), 'import_tasks', 'import_tasks', ctx, position);
  return imported.kind === 'block' && Object.keys(vars).length > 0 ? { ...imported, includeParams: vars } : imported;
}

function parseInclude(task: Record<string, unknown>, kind: string, actionKey: string, ctx: LoadContext, position: Position): TaskNode {
  const where = keyPositionOf(task, actionKey);
  if (kind === 'include') return parseLegacyInclude(task, actionKey, ctx, position);
  const args = includeArgs(task, actionKey, where);
  const base = nodeBase(task, ctx, position);
  if (kind === 'meta') {
    const action = String(task[actionKey]);
    if (!META_ACTIONS.has(action)) throw new PlaybookError(`invalid meta action '${action}'${didYouMean(action, [...META_ACTIONS])}`, where);
    return { kind: 'meta', ...base, action };
  }
  const apply = args.apply === undefined || args.apply === null ? undefined : asMapping(args.apply, 'apply', where);
  if (apply && Object.keys(apply).length > 0 && kind.startsWith('import_')) throw ansibleWordedError(`Invalid options for ${actionKey}: apply`, where);
  if (kind === 'import_tasks' || kind === 'include_tasks') {
    const file = String(args.file ?? args._raw_params ?? '');
    if (!file) throw new PlaybookError(`${kind} needs a file name`, where);
    const relativeTo = ctx.role ? join(ctx.role.path, 'tasks') : ctx.baseDir;
    if (kind === 'import_tasks') {
      const named = loadTimeText(file, importVars(task, ctx), 'the file name', where);
      if (isTemplateText(named)) throw new PlaybookError('import_tasks needs a static file name (use include_tasks for a templated one)', where);
      const inner: LoadContext = { ...ctx, tags: base.tags, when: task.when === undefined ? ctx.when : [...ctx.when, task.when], moduleDefaults: [...ctx.moduleDefaults, task.module_defaults] };
      return { kind: 'block', ...base, block: loadTaskFile(includedFilePath(ctx, named), inner, where), rescue: [], always: [], imported: true };
    }
    const node = { kind: 'include_tasks' as const, ...base, file, baseDir: relativeTo, parentTags: ctx.tags, ...(apply ? { apply } : {}) };
    if (isTemplateText(file)) return node;
    const inner: LoadContext = { ...ctx, tags: [], when: [] };
    const path = includedFilePath(ctx, file);
    // A file that is missing now may be made by the run, or never be needed: with a condition or a tolerated
    // failure, it is looked for when the include runs, as Ansible looks for it.
    if (!existsSync(path) && (task.when !== undefined || toleratesFailure(task))) return node;
    return { ...node, preloaded: loadTaskFile(path, inner, where), preloadedPath: path };
  }
  const reference: RoleReference = {
    name: String(args.name ?? args.role ?? ''),
    params: varsMapping(task.vars),
    from: roleFilesFrom(args, where),
    position: where,
  };
  if (!reference.name) throw new PlaybookError(`${kind} needs a role name`, where);
  const tasksFrom = String(args.tasks_from ?? 'main');
  const handlersFrom = String(args.handlers_from ?? 'main');
  // rolespec_validate: false leaves out the task that checks the role's arguments against its argument spec.
  const validatesArguments = loadTimeFlag(args.rolespec_validate, ctx.loadVars, 'rolespec_validate', where, true);
  if (kind === 'import_role') {
    reference.name = loadTimeName(reference.name, ctx.loadVars, where);
    const tasksFile = loadTimeText(tasksFrom, importVars(task, ctx), 'the tasks_from', where);
    // As Ansible's, an import's vars are the role's entry vars (seen by the whole play) and its tasks' own vars, not parameters.
    const inner: LoadContext = { ...ctx, tags: base.tags, when: task.when === undefined ? ctx.when : [...ctx.when, task.when], moduleDefaults: [...ctx.moduleDefaults, task.module_defaults] };
    // Ansible's import_role lets its role run again unless it says allow_duplicates: false, where a `roles:` entry or a dependency runs once.
    const once = !loadTimeFlag(args.allow_duplicates, ctx.loadVars, 'allow_duplicates', where, true);
    const handlersBefore = ctx.play.handlers.length;
    const block = expandRole({ ...reference, params: {}, vars: reference.params }, inner, tasksFile, handlersFrom, { once, validate: validatesArguments });
    inheritKeywords(ctx.play.handlers, handlersBefore, base.keywords);
    return { kind: 'block', ...base, block, rescue: [], always: [] };
  }
  const node = { kind: 'include_role' as const, ...base, roleName: reference.name, tasksFrom, handlersFrom, roleFiles: reference.from, parentTags: ctx.tags, validatesArguments, ...(apply ? { apply } : {}), ...(args.public === undefined ? {} : { public: args.public }) };
  // A role, or one of its files, named by a template is loaded when the include runs.
  if ([reference.name, tasksFrom, handlersFrom, reference.from?.vars ?? '', reference.from?.defaults ?? ''].some(isTemplateText)) return node;
  if (toleratesFailure(task) && !roleExists(reference.name, searchPathFor(ctx))) return node;
  const role = loadRole(reference, searchPathFor(ctx), ctx.role);
  const tasks = roleTasks(role, { ...ctx, tags: [], when: [] }, tasksFrom, where, {}, validatesArguments);
  return { ...node, preloaded: { role, tasks, handlers: includedRoleHandlers(role, ctx, handlersFrom) } };
}

/** As Ansible's, the handlers an import_role brings have the import task for parent: its keywords (delegate_to, become ...) are theirs unless they set their own. */
function inheritKeywords(handlers: Handler[], from: number, keywords: Record<string, unknown>): void {
  const inherited = Object.fromEntries(Object.entries(keywords).filter(([key]) => ROLE_ENTRY_KEYWORDS.has(key)));
  if (Object.keys(inherited).length === 0) return;
  for (const [index, handler] of handlers.entries()) {
    if (index >= from) handlers[index] = { ...handler, keywords: samePositions({ ...inherited, ...handler.keywords }, handler.keywords) };
  }
}

/** Which of a role's vars and defaults files an import_role/include_role reads (`vars_from`, `defaults_from`: file names, folders dropped, as Ansible's). */
function roleFilesFrom(args: Record<string, unknown>, where: Position | undefined): RoleFiles {
  for (const key of ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from']) {
    const value = args[key];
    if (value !== undefined && typeof value !== 'string') throw new PlaybookError(`Expected a string for ${key} but got ${loadedTypeName(value)} instead`, keyPositionOf(args, key) ?? where);
  }
  const fileName = (value: unknown) => (typeof value === 'string' ? basename(value) : undefined);
  return { vars: fileName(args.vars_from), defaults: fileName(args.defaults_from) };
}

/** What a static import's names are templated with while the play loads: the play's vars, the task's own, the extra vars. */
function importVars(task: Record<string, unknown>, ctx: LoadContext): Record<string, unknown> | undefined {
  return ctx.loadVars && { ...ctx.loadVars, ...varsMapping(task.vars), ...ctx.extraVars };
}

function searchPathFor(ctx: LoadContext): string[] {
  return ctx.role ? [dirname(ctx.role.path), ...ctx.roleSearchPath] : ctx.roleSearchPath;
}

/**
 * A role's tasks from one entry point; when the role has an argument spec for it, they start with the task
 * ansible-core generates to validate the role's arguments (tagged always).
 */
export function roleTasks(role: Role, ctx: LoadContext, tasksFrom: string, position: Position | undefined, provided: Record<string, unknown> = {}, validate = true): TaskNode[] {
  const file = mainFile(join(role.path, 'tasks'), tasksFrom);
  if (!file) {
    if (tasksFrom !== 'main') throw new PlaybookError(`the role '${role.name}' has no tasks file '${tasksFrom}'`, position);
    return [];
  }
  const tasks = loadTaskFile(file, { ...ctx, role, baseDir: join(role.path, 'tasks'), collections: role.collections }, position);
  const spec = roleArgumentSpecs(role)[tasksFrom];
  if (!spec || !validate) return tasks;
  const module = ctx.registry.find('ansible.builtin.validate_argument_spec');
  if (!module) throw new Error('the validate_argument_spec module is missing');
  const shortDescription = typeof spec.short_description === 'string' ? ` - ${spec.short_description}` : '';
  const validation: ActionTask = {
    kind: 'action',
    ...nodeBase({ name: `Validating arguments against arg spec '${tasksFrom}'${shortDescription}`, tags: ['always'] }, { ...ctx, role, baseDir: join(role.path, 'tasks') }, position ?? { file, line: 1, column: 1 }),
    action: 'ansible.builtin.validate_argument_spec',
    module,
    args: {
      argument_spec: spec.options ?? {},
      provided_arguments: provided,
      validate_args_context: { argument_spec_name: tasksFrom, name: role.name, path: role.path, type: 'role' },
    },
  };
  return [validation, ...tasks];
}

/** A role's handlers from one file of its handlers/ (each file once per play). */
function roleHandlers(role: Role, ctx: LoadContext, handlersFrom: string): Handler[] {
  const file = mainFile(join(role.path, 'handlers'), handlersFrom);
  if (!file || ctx.play.handlerRoles.has(file)) return [];
  ctx.play.handlerRoles.add(file);
  return includedRoleHandlers(role, ctx, handlersFrom);
}

/** The handlers an include_role brings: Ansible loads them anew each time the include runs, whatever the play has. */
export function includedRoleHandlers(role: Role, ctx: LoadContext, handlersFrom: string): Handler[] {
  const file = mainFile(join(role.path, 'handlers'), handlersFrom);
  if (!file) return [];
  return parseHandlers(loadYamlFile(file), { ...ctx, role, baseDir: join(role.path, 'handlers'), tags: [], when: [], collections: role.collections }, role.name);
}

const ROLE_INCLUDES = new Set(['include_role', 'import_role', 'ansible.builtin.include_role', 'ansible.builtin.import_role']);

export function parseHandlers(list: unknown, ctx: LoadContext, roleName?: string): Handler[] {
  // Refused before the role is looked for, as Ansible refuses it whatever the role.
  (Array.isArray(list) ? list : []).forEach((raw, index) => {
    const roleInclude = raw && typeof raw === 'object' ? Object.keys(raw).find((key) => ROLE_INCLUDES.has(key)) : undefined;
    if (roleInclude) throw ansibleWordedError(`Using '${SHORT_INCLUDE(roleInclude)}' as a handler is not supported.`, itemPositionOf(list as unknown[], index));
  });
  return parseTaskList(list, ctx).flatMap((node) => handlersOf(node, roleName, true));
}

/**
 * The tasks of a file a handler includes are handlers too: Ansible refuses in them what it refuses in a handlers
 * section (a block within a block, include_role, flush_handlers) when the handler runs and the file is loaded.
 */
export function checkHandlerFileTasks(nodes: readonly TaskNode[]): void {
  for (const node of nodes) handlersOf(node, undefined, true);
}

/** Ansible's words come first in these errors (they are what users search for), the place after them. */
function ansibleWordedError(message: string, position: Position | undefined): PlaybookError {
  return new PlaybookError(`${message} (${formatPosition(position)})`);
}

/**
 * A handler entry: a task, an include_tasks or a meta task; an import_tasks, or a block written directly in the
 * handlers, stands for its tasks (each one a handler), as Ansible reads it; a block within is refused, as Ansible does
 * (a block at the top of an imported file is not within one).
 */
function handlersOf(node: TaskNode, roleName: string | undefined, topLevel: boolean): Handler[] {
  if (node.kind === 'block' && node.imported) return node.block.flatMap((child) => handlersOf(child, roleName, true));
  if (node.kind === 'block') {
    if (!topLevel) throw ansibleWordedError('Using a block as a handler is not supported.', node.position);
    return node.block.flatMap((child) => handlersOf(child, roleName, false));
  }
  if (node.kind === 'meta' && node.action === 'flush_handlers') throw ansibleWordedError('flush_handlers cannot be used as a handler', node.position);
  if (node.kind === 'include_role') throw ansibleWordedError("Using 'include_role' as a handler is not supported.", node.position);
  const name = node.name ?? (node.kind === 'action' ? node.action : node.kind === 'meta' ? 'meta' : `include_tasks ${node.file}`);
  const listen = asTags(node.keywords.listen);
  return [{ ...node, answersTo: [name, ...(roleName ? [`${roleName} : ${name}`] : []), ...listen], listens: listen }];
}

export function roleReference(entry: unknown, written?: Position): RoleReference {
  const position = positionOf(entry) ?? written;
  if (typeof entry === 'string') return { name: entry, params: {}, position };
  const map = asMapping(entry, 'a role entry', position);
  const name = String(map.role ?? map.name ?? '');
  if (!name) throw new PlaybookError('a role entry needs `role: NAME`', position);
  const { role: _role, name: _name, vars, tags: _tags, when: _when, ...rest } = map;
  const params = Object.fromEntries(Object.entries(rest).filter(([key]) => !ROLE_ENTRY_KEYWORDS.has(key)));
  return { name, params, vars: varsMapping(vars), arguments: params, position };
}

/** Keywords a `roles:` entry may carry (become, environment, ...): they apply to the role's tasks, they are not parameters. */
export const ROLE_ENTRY_KEYWORDS = new Set(Object.keys(BLOCK_KEYWORDS).filter((key) => !['block', 'rescue', 'always', 'name', 'vars', 'tags', 'when', 'notify'].includes(key)));

/** The keywords written on a `roles:` entry, checked like a block's. */
export function roleEntryKeywords(entry: unknown): Record<string, unknown> {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return {};
  const keywords = samePositions(Object.fromEntries(Object.entries(entry).filter(([key]) => ROLE_ENTRY_KEYWORDS.has(key))), entry);
  checkKeywordTypes(keywords, BLOCK_KEYWORDS, 'role');
  return keywords;
}

/**
 * A role used statically (`roles:` or import_role): its dependencies first, then its tasks, each role once per
 * play for the same parameters; its handlers join the play's.
 */
export function expandRole(reference: RoleReference, ctx: LoadContext, tasksFrom = 'main', handlersFrom = 'main', options: { once?: boolean; validate?: boolean; loaded?: (role: Role) => void } = {}): TaskNode[] {
  const role = loadRole(reference, searchPathFor(ctx), ctx.role);
  options.loaded?.(role);
  const key = `${role.path}|${tasksFrom}|${JSON.stringify(reference.params)}|${JSON.stringify(reference.vars ?? {})}`;
  const once = options.once ?? !roleAllowsDuplicates(role);
  if (once && ctx.play.roleKeys.has(key)) return [];
  ctx.play.roleKeys.add(key);
  const listed = roleDependencies(role);
  const loaded = (dependency: Role) => (role.dependencies ??= []).push(dependency);
  const dependencies = listed.flatMap((dependency, index) => expandRole(roleReference(dependency, itemPositionOf(listed, index)), { ...ctx, role }, 'main', 'main', { loaded }));
  ctx.play.roles.push(role);
  ctx.play.handlers.push(...roleHandlers(role, ctx, handlersFrom));
  return [...dependencies, ...roleTasks(role, ctx, tasksFrom, reference.position, reference.arguments, options.validate)];
}
