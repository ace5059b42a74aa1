import type { Module } from '../modules/contract.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { BLOCK_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from '../playbook/keywords.js';
import { allowTemplates } from './templated.js';

type Schema = Record<string, unknown>;

const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** What a module key takes: its arguments as a mapping, or Ansible's `k=v` / free-form text. */
function moduleValue(module: Module): Schema {
  const summary = typeof module.schema.description === 'string' ? module.schema.description : `The ${module.name} module.`;
  // Required arguments are left to load time: module_defaults of a play or block may give them.
  const { description: _description, required: _required, ...args } = module.schema;
  const text = { type: 'string', description: module.freeForm ? `The command line (free form), or key=value arguments.` : 'key=value arguments.' };
  return { description: summary, anyOf: [allowTemplates(args), text, { type: 'null', description: 'No arguments.' }] };
}

const fileOrArgs = (description: string, properties: Schema): Schema => ({
  description,
  anyOf: [{ type: 'string', description: 'The file.' }, { type: 'object', properties, additionalProperties: false }],
});

const ROLE_ARGS: Schema = {
  name: { type: 'string', description: 'The role to run.' },
  tasks_from: { type: 'string', description: 'The tasks file of the role to run (default main).' },
  vars_from: { type: 'string', description: 'The vars file of the role to load (default main).' },
  defaults_from: { type: 'string', description: 'The defaults file of the role to load (default main).' },
  handlers_from: { type: 'string', description: 'The handlers file of the role to load (default main).' },
  apply: { type: 'object', description: 'Keywords applied to the included tasks (include_role).' },
  public: { type: ['boolean', 'string'], description: "Expose the role's vars and defaults to the rest of the play." },
  allow_duplicates: { type: ['boolean', 'string'], description: 'Run the role again when it already ran with the same parameters.' },
  rolespec_validate: { type: ['boolean', 'string'], description: "Validate the role's arguments against meta/argument_specs.yml." },
};

const TASKS_FILE_ARGS: Schema = {
  file: { type: 'string', description: 'The tasks file.' },
  apply: { type: 'object', description: 'Keywords applied to the included tasks (include_tasks).' },
};

/**
 * ansible-core 2.14's own modules: those betif-play has no native version of run through Ansible's module
 * protocol, so an editor should know their names too (their arguments are checked at load time).
 */
const ANSIBLE_CORE_MODULES = [
  'add_host', 'apt', 'apt_key', 'apt_repository', 'assemble', 'assert', 'async_status', 'blockinfile', 'command', 'copy', 'cron',
  'debconf', 'debug', 'dnf', 'dpkg_selections', 'expect', 'fail', 'fetch', 'file', 'find', 'gather_facts', 'get_url', 'getent',
  'git', 'group', 'group_by', 'hostname', 'include_vars', 'iptables', 'known_hosts', 'lineinfile', 'package', 'package_facts',
  'pause', 'ping', 'pip', 'raw', 'reboot', 'replace', 'rpm_key', 'script', 'service', 'service_facts', 'set_fact', 'set_stats',
  'setup', 'shell', 'slurp', 'stat', 'subversion', 'systemd', 'systemd_service', 'sysvinit', 'tempfile', 'template', 'unarchive',
  'uri', 'user', 'validate_argument_spec', 'wait_for', 'wait_for_connection', 'yum', 'yum_repository',
];

function ansibleCoreModules(registry: ModuleRegistry): Schema {
  const entry = { description: "An ansible-core module, run from the controller's Ansible installation through Ansible's module protocol." };
  const missing = ANSIBLE_CORE_MODULES.filter((name) => !registry.find(name));
  return Object.fromEntries(missing.flatMap((name) => [[name, entry], [`ansible.builtin.${name}`, entry]]));
}

/** The task actions that are playbook structure rather than modules. */
function controlActions(): Schema {
  const actions: Schema = {
    include_tasks: fileOrArgs('Runs the tasks of a file, decided when reached (dynamic).', TASKS_FILE_ARGS),
    import_tasks: fileOrArgs('Inserts the tasks of a file when the playbook is loaded (static).', TASKS_FILE_ARGS),
    include: fileOrArgs('Deprecated form of import_tasks (include_tasks when the file name is templated or the task loops); k=v words after the file are task vars.', TASKS_FILE_ARGS),
    include_role: { description: 'Runs a role, decided when reached (dynamic).', type: 'object', required: ['name'], properties: ROLE_ARGS, additionalProperties: false },
    import_role: { description: 'Inserts a role when the playbook is loaded (static).', type: 'object', required: ['name'], properties: ROLE_ARGS, additionalProperties: false },
    meta: {
      description: 'Changes how the play runs at this point.',
      enum: ['flush_handlers', 'noop', 'refresh_inventory', 'clear_facts', 'clear_host_errors', 'end_play', 'end_host', 'end_batch', 'end_role', 'reset_connection'],
    },
  };
  return Object.fromEntries(Object.entries(actions).flatMap(([name, schema]) => [[name, schema], [`ansible.builtin.${name}`, schema]]));
}

/** The task (or handler) schema: every task keyword, and every module under each of its names. */
function taskSchema(registry: ModuleRegistry): Schema {
  const modules: Record<string, Schema> = {};
  for (const name of registry.names().sort()) {
    const module = registry.find(name);
    if (module) modules[name] = { $ref: `#/definitions/module:${module.namespace ?? 'ansible.builtin'}.${module.name}` };
  }
  return {
    type: 'object',
    properties: { ...(allowTemplates({ properties: TASK_KEYWORDS }) as { properties: Schema }).properties, ...controlActions(), ...ansibleCoreModules(registry), ...modules },
    // Modules of installed collections run through Ansible's module protocol: their arguments are checked at load time.
    patternProperties: { '^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+\\.[A-Za-z0-9_]+$': { description: 'A module of an installed Ansible collection.' } },
    additionalProperties: false,
  };
}

function blockSchema(): Schema {
  const keywords = (allowTemplates({ properties: BLOCK_KEYWORDS }) as { properties: Schema }).properties;
  const list = { type: 'array', items: { $ref: '#/definitions/task' } };
  return { type: 'object', required: ['block'], properties: { ...keywords, block: list, rescue: list, always: list }, additionalProperties: false };
}

function moduleDefinitions(registry: ModuleRegistry): Schema {
  const definitions: Schema = {};
  for (const name of registry.names()) {
    const module = registry.find(name);
    if (module) definitions[`module:${module.namespace ?? 'ansible.builtin'}.${module.name}`] = moduleValue(module);
  }
  return definitions;
}

/** Shared definitions: a task is a block or a task with one module (checked at load time: a schema cannot say "exactly one"). */
function definitions(registry: ModuleRegistry): Schema {
  return {
    ...moduleDefinitions(registry),
    task: { if: { type: 'object', required: ['block'] }, then: { $ref: '#/definitions/block' }, else: { $ref: '#/definitions/plainTask' } },
    block: blockSchema(),
    plainTask: taskSchema(registry),
    tasks: { type: ['array', 'null'], items: { $ref: '#/definitions/task' } },
  };
}

/** A tasks file (a role's tasks/main.yml, handlers, an included file). */
export function tasksFileSchema(registry: ModuleRegistry): Schema {
  return { $schema: DRAFT, $id: 'betif-play/tasks.json', title: 'betif-play tasks file', definitions: definitions(registry), $ref: '#/definitions/tasks' };
}

/** A playbook: a list of plays and import_playbook entries. */
export function playbookSchema(registry: ModuleRegistry): Schema {
  const keywords = (allowTemplates({ properties: PLAY_KEYWORDS }) as { properties: Schema }).properties;
  const tasks = { $ref: '#/definitions/tasks' };
  const play = {
    type: 'object',
    required: ['hosts'],
    properties: { ...keywords, pre_tasks: tasks, tasks, post_tasks: tasks, handlers: tasks },
    additionalProperties: false,
  };
  const importPlaybook = {
    type: 'object',
    properties: { import_playbook: { type: 'string' }, 'ansible.builtin.import_playbook': { type: 'string' }, name: { type: 'string' }, vars: { type: 'object' }, tags: {}, when: {} },
    anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }],
    additionalProperties: false,
  };
  return {
    $schema: DRAFT,
    $id: 'betif-play/playbook.json',
    title: 'betif-play playbook',
    definitions: { ...definitions(registry), play, importPlaybook },
    type: 'array',
    items: { if: { type: 'object', anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }] }, then: { $ref: '#/definitions/importPlaybook' }, else: { $ref: '#/definitions/play' } },
  };
}
