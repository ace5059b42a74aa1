import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isTemplateText } from '../modules/args.js';
import { withModules, type ModuleRegistry } from '../modules/registry.js';
import { checkKeywordTypes, didYouMean } from './keyword-check.js';
import { PLAY_KEYWORDS, UNSUPPORTED_KEYWORDS } from './keywords.js';
import { roleSearchPath } from './roles.js';
import { itemPositionOf, keyPositionOf, loadYamlFile, PlaybookError, positionOf, type Position } from './source.js';
import { checkNotifications } from './handler-check.js';
import { checkTemplatesIn, checkTemplatesInFile } from './template-check.js';
import { asTags, NESTED_TASK_LISTS, expandRole, nodeBase, parseHandlers, parseTaskList, roleEntryKeywords, roleReference, runsOnController, type LoadContext, type PlayCollector } from './tasks.js';
import type { Play, Playbook, TaskNode } from './types.js';
import { varsMapping } from './vars-keyword.js';
import { collectionsOf } from './module-defaults.js';

function parsePlay(raw: unknown, position: Position, registry: ModuleRegistry, importing: string[], controllerWrites: { seen: boolean }, options: LoadOptions): Play {
  const file = position.file;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new PlaybookError('a play must be a mapping', position);
  const play = raw as Record<string, unknown>;
  for (const key of Object.keys(play)) {
    if (UNSUPPORTED_KEYWORDS.has(key)) throw new PlaybookError(`the keyword '${key}' is not supported by betif-play`, keyPositionOf(play, key));
    if (!(key in PLAY_KEYWORDS)) throw new PlaybookError(`'${key}' is not a valid attribute for a play${didYouMean(key, Object.keys(PLAY_KEYWORDS))}`, keyPositionOf(play, key));
  }
  checkKeywordTypes(play, PLAY_KEYWORDS, 'play');
  checkTemplatesIn(play, NESTED_TASK_LISTS);
  if (play.hosts === undefined || play.hosts === null || play.hosts === '') throw new PlaybookError("the field 'hosts' is required but was not set", position);
  if (Array.isArray(play.hosts) && play.hosts.length === 0) throw new PlaybookError('Hosts list cannot be empty. Please check your playbook', keyPositionOf(play, 'hosts'));
  if (Array.isArray(play.hosts) && play.hosts.some((host) => host === null || host === '')) throw new PlaybookError("Hosts list cannot contain values of 'None'. Please check your playbook", keyPositionOf(play, 'hosts'));
  const baseDir = dirname(file);
  const collector: PlayCollector = { roles: [], handlers: [], roleKeys: new Set(), handlerRoles: new Set() };
  const ctx: LoadContext = {
    registry,
    roleSearchPath: roleSearchPath(baseDir),
    baseDir,
    tags: asTags(play.tags),
    when: [],
    play: collector,
    importing,
    moduleDefaults: [play.module_defaults],
    collections: collectionsOf(play.collections),
    playDir: baseDir,
    controllerWrites,
  };
  if (runsOnController(play, 'hosts')) controllerWrites.seen = true;
  const varsFiles: (string | string[])[] = play.vars_files === undefined ? [] : Array.isArray(play.vars_files) ? play.vars_files : [String(play.vars_files)];
  varsFiles.forEach((entry, index) => {
    const candidates = Array.isArray(entry) ? entry : [entry];
    if (candidates.some(isTemplateText)) return;
    const found = candidates.map((name) => (isAbsolute(name) ? name : join(baseDir, name))).find((path) => existsSync(path));
    const where = Array.isArray(play.vars_files) ? itemPositionOf(play.vars_files, index) : keyPositionOf(play, 'vars_files');
    if (!found) throw new PlaybookError(`vars file '${candidates.join("' or '")}' was not found`, where);
    checkTemplatesInFile(loadYamlFile(found));
  });
  const preTasks = parseTaskList(play.pre_tasks, ctx);
  const roleTasks: TaskNode[] = [];
  const roles = (play.roles as unknown[] | undefined) ?? [];
  for (const [index, entry] of roles.entries()) {
    const reference = roleReference(entry, itemPositionOf(roles, index));
    const map = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const keywords = roleEntryKeywords(entry);
    const inner: LoadContext = { ...ctx, tags: [...ctx.tags, ...asTags(map.tags)], when: map.when === undefined ? [] : [map.when], moduleDefaults: [...ctx.moduleDefaults, keywords.module_defaults] };
    const expanded = expandRole(reference, inner);
    if (Object.keys(keywords).length === 0) roleTasks.push(...expanded);
    // Keywords on the entry (become, environment, ...) wrap the role's tasks like a block's.
    else roleTasks.push({ kind: 'block', ...nodeBase(keywords, inner, reference.position ?? position), block: expanded, rescue: [], always: [] });
  }
  const tasks = [...roleTasks, ...parseTaskList(play.tasks, ctx)];
  const postTasks = parseTaskList(play.post_tasks, ctx);
  const handlers = [...collector.handlers, ...parseHandlers(play.handlers, { ...ctx, tags: [] })];
  checkNotifications({ preTasks, tasks, postTasks, handlers }, options.missingHandlerIsError);
  const hosts = Array.isArray(play.hosts) ? play.hosts.map(String).join(',') : String(play.hosts);
  return {
    name: typeof play.name === 'string' ? play.name : hosts,
    position,
    hosts,
    keywords: play,
    vars: varsMapping(play.vars),
    varsFiles,
    roles: collector.roles,
    preTasks,
    tasks,
    postTasks,
    handlers,
    baseDir,
  };
}

function parsePlays(file: string, registry: ModuleRegistry, importing: string[], controllerWrites: { seen: boolean }, options: LoadOptions, importedFrom?: Position): Play[] {
  if (importing.includes(file)) throw new PlaybookError(`${file} imports itself`);
  const data = loadYamlFile(file);
  // Ansible's words; an imported empty playbook is the same mistake.
  if (data === null || (Array.isArray(data) && data.length === 0)) throw new PlaybookError(`Empty playbook, nothing to do: ${file}`, importedFrom);
  if (!Array.isArray(data)) throw new PlaybookError('a playbook must be a list of plays', positionOf(data) ?? { file, line: 1, column: 1 });
  return data.flatMap((entry, index) => {
    const map = entry as Record<string, unknown> | null;
    const imported = map && typeof map === 'object' ? (map.import_playbook ?? map['ansible.builtin.import_playbook']) : undefined;
    if (imported === undefined) return [parsePlay(entry, itemPositionOf(data, index) ?? { file, line: 1, column: 1 }, registry, [...importing, file], controllerWrites, options)];
    const position: Position | undefined = positionOf(entry);
    if (typeof imported !== 'string' || isTemplateText(imported)) throw new PlaybookError('import_playbook needs a static file name', position);
    const path = isAbsolute(imported) ? imported : join(dirname(file), imported);
    const where = map ? keyPositionOf(map, 'import_playbook' in map ? 'import_playbook' : 'ansible.builtin.import_playbook') : position;
    if (!existsSync(path)) throw new PlaybookError(`the playbook ${imported} could not be found (${path})`, where);
    return parsePlays(path, registry, [...importing, file], controllerWrites, options, where);
  });
}

/** Reads and validates a whole playbook (plays, roles, static includes, module arguments) before anything runs. */
export interface LoadOptions {
  /** ansible.cfg's error_on_missing_handler: a notify naming no handler is an error (else a warning at run time). */
  missingHandlerIsError: boolean;
}

export async function loadPlaybook(path: string, registry: ModuleRegistry, options: LoadOptions = { missingHandlerIsError: true }): Promise<Playbook> {
  const file = resolve(path);
  if (!existsSync(file)) throw new PlaybookError(`the playbook ${path} could not be found`);
  return { path: file, given: path, dir: dirname(file), plays: await withModules(registry, () => parsePlays(file, registry, [], { seen: false }, options)) };
}
