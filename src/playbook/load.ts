import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isTemplateText } from '../modules/args.js';
import { withModules, type ModuleRegistry } from '../modules/registry.js';
import { checkKeywordTypes, didYouMean } from './keyword-check.js';
import { PLAY_KEYWORDS } from './keywords.js';
import { roleSearchPath } from './roles.js';
import { itemPositionOf, keyPositionOf, loadYamlFile, PlaybookError, positionOf, type Position } from './source.js';
import { checkNotifications } from './handler-check.js';
import { checkTemplatesIn, checkTemplatesInFile } from './template-check.js';
import { asTags, NESTED_TASK_LISTS, expandRole, nodeBase, parseHandlers, parseTaskList, roleEntryKeywords, roleReference, runsOnController, type LoadContext, type PlayCollector } from './tasks.js';
import type { Play, Playbook, TaskNode } from './types.js';
import { loadTimeName, loadTimeText } from './load-time-name.js';
import { varsMapping } from './vars-keyword.js';
import { collectionsOf } from './module-defaults.js';

/** What import_playbook lines give the plays they bring in (Ansible's PlaybookInclude): vars, a condition, tags. */
interface PlaybookImport {
  vars: Record<string, unknown>;
  when: unknown[];
  tags: string[];
}

const NOT_IMPORTED: PlaybookImport = { vars: {}, when: [], tags: [] };

/** An import_playbook line's own vars, when and tags; `tags` among its vars (a legacy form) are tags too. */
function importOf(entry: Record<string, unknown>, where: Position | undefined): PlaybookImport {
  if (entry.vars !== undefined && (entry.vars === null || typeof entry.vars !== 'object' || Array.isArray(entry.vars))) {
    throw new PlaybookError('vars for import_playbook statements must be specified as a dictionary', where);
  }
  const { tags: varTags, ...vars } = (entry.vars ?? {}) as Record<string, unknown>;
  return {
    vars,
    when: entry.when === undefined ? [] : [entry.when],
    tags: [...asTags(entry.tags), ...(varTags === undefined ? [] : String(varTags).split(','))],
  };
}

function parsePlay(raw: unknown, position: Position, registry: ModuleRegistry, importing: string[], controllerWrites: { seen: boolean }, options: LoadOptions, imported: PlaybookImport): Play {
  const file = position.file;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new PlaybookError('a play must be a mapping', position);
  const play = raw as Record<string, unknown>;
  for (const key of Object.keys(play)) {
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
    tags: [...new Set([...asTags(play.tags), ...imported.tags])],
    // An import's condition goes before each task's, as Ansible prepends it to every block of the play.
    when: imported.when,
    play: collector,
    importing,
    moduleDefaults: [play.module_defaults],
    collections: collectionsOf(play.collections),
    playDir: baseDir,
    controllerWrites,
    // Role names are templated while the play loads, with the import's vars below the play's, and the extra vars.
    loadVars: { ...imported.vars, ...varsMapping(play.vars), ...options.extraVars },
    extraVars: options.extraVars,
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
    const written = roleReference(entry, itemPositionOf(roles, index));
    const reference = { ...written, name: loadTimeName(written.name, ctx.loadVars, written.position) };
    const map = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const keywords = roleEntryKeywords(entry);
    const inner: LoadContext = { ...ctx, tags: [...ctx.tags, ...asTags(map.tags)], when: map.when === undefined ? ctx.when : [...ctx.when, map.when], moduleDefaults: [...ctx.moduleDefaults, keywords.module_defaults] };
    const handlersBefore = collector.handlers.length;
    const expanded = expandRole(reference, inner);
    // The entry's keywords (become, remote_user ...) hold for the role's handlers too; a handler's own win.
    for (const handler of collector.handlers.slice(handlersBefore)) handler.keywords = { ...keywords, ...handler.keywords };
    if (Object.keys(keywords).length === 0) roleTasks.push(...expanded);
    // Keywords on the entry (become, environment, ...) wrap the role's tasks like a block's.
    else roleTasks.push({ kind: 'block', ...nodeBase(keywords, inner, reference.position ?? position), block: expanded, rescue: [], always: [] });
  }
  const tasks = [...roleTasks, ...parseTaskList(play.tasks, ctx)];
  const postTasks = parseTaskList(play.post_tasks, ctx);
  const handlers = [...collector.handlers, ...parseHandlers(play.handlers, { ...ctx, tags: [], when: [] })];
  checkNotifications({ preTasks, tasks, postTasks, handlers }, options.missingHandlerIsError);
  const hosts = Array.isArray(play.hosts) ? play.hosts.map(String).join(',') : String(play.hosts);
  return {
    name: typeof play.name === 'string' ? play.name : hosts,
    position,
    hosts,
    keywords: play,
    // At run time the import's vars win over the play's own.
    vars: { ...varsMapping(play.vars), ...imported.vars },
    importWhen: imported.when,
    varsFiles,
    roles: collector.roles,
    preTasks,
    tasks,
    postTasks,
    handlers,
    baseDir,
  };
}

function parsePlays(file: string, registry: ModuleRegistry, importing: string[], controllerWrites: { seen: boolean }, options: LoadOptions, importedFrom?: Position, around: PlaybookImport = NOT_IMPORTED): Play[] {
  if (importing.includes(file)) throw new PlaybookError(`${file} imports itself`);
  const data = loadYamlFile(file);
  // Ansible's words; an imported empty playbook is the same mistake.
  if (data === null || (Array.isArray(data) && data.length === 0)) throw new PlaybookError(`Empty playbook, nothing to do: ${file}`, importedFrom);
  if (!Array.isArray(data)) throw new PlaybookError('a playbook must be a list of plays', positionOf(data) ?? { file, line: 1, column: 1 });
  return data.flatMap((entry, index) => {
    const map = entry as Record<string, unknown> | null;
    const imported = map && typeof map === 'object' ? (map.import_playbook ?? map['ansible.builtin.import_playbook']) : undefined;
    if (imported === undefined) return [parsePlay(entry, itemPositionOf(data, index) ?? { file, line: 1, column: 1 }, registry, [...importing, file], controllerWrites, options, around)];
    const position: Position | undefined = positionOf(entry);
    const own = importOf(map as Record<string, unknown>, position);
    // As Ansible's split_args, the first word names the file; words after it are ignored. A template in it is
    // rendered with the import's vars and the extra vars.
    const written = typeof imported === 'string' ? (/(?:\{\{.*?\}\}|\S)+/.exec(imported)?.[0] ?? '') : imported;
    const name = typeof written === 'string' ? loadTimeText(written, { ...own.vars, ...options.extraVars }, 'the playbook name', position) : written;
    if (typeof name !== 'string' || name === '' || isTemplateText(name)) throw new PlaybookError('import_playbook needs a static file name', position);
    const path = isAbsolute(name) ? name : join(dirname(file), name);
    const where = map ? keyPositionOf(map, 'import_playbook' in map ? 'import_playbook' : 'ansible.builtin.import_playbook') : position;
    if (!existsSync(path)) throw new PlaybookError(`the playbook ${name} could not be found (${path})`, where);
    // An outer import's vars are applied after an inner one's, and its condition is tested first.
    const scope: PlaybookImport = { vars: { ...own.vars, ...around.vars }, when: [...around.when, ...own.when], tags: [...around.tags, ...own.tags] };
    return parsePlays(path, registry, [...importing, file], controllerWrites, options, where, scope);
  });
}

/** Reads and validates a whole playbook (plays, roles, static includes, module arguments) before anything runs. */
export interface LoadOptions {
  /** ansible.cfg's error_on_missing_handler: a notify naming no handler is an error (else a warning at run time). */
  missingHandlerIsError: boolean;
  /** -e values: role names templated at load time see them. */
  extraVars?: Record<string, unknown>;
}

export async function loadPlaybook(path: string, registry: ModuleRegistry, options: LoadOptions = { missingHandlerIsError: true }): Promise<Playbook> {
  const file = resolve(path);
  if (!existsSync(file)) throw new PlaybookError(`the playbook ${path} could not be found`);
  return { path: file, given: path, dir: dirname(file), plays: await withModules(registry, () => parsePlays(file, registry, [], { seen: false }, options)) };
}
