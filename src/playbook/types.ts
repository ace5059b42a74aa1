import type { Module } from '../modules/contract.js';
import type { Position } from './source.js';

/** A loaded role: where it lives and its variable files. */
export interface Role {
  name: string;
  path: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** The `vars:` written where the role is used (a `roles:` entry, import_role): role variables below vars/main.yml. */
  entryVars?: Record<string, unknown>;
  /** Parameters given where the role is used (`roles: [{role: x, port: 80}]`, include_role vars). */
  params: Record<string, unknown>;
  /** The role's `collections:` (meta/main.yml): where its tasks' short module names are looked for first. */
  collections: string[];
  /**
   * The roles that brought this one in (meta dependencies, import_role/include_role), outermost first: Ansible's
   * dependency chain, whose defaults, vars and parameters the role inherits below its own.
   */
  parents?: Role[];
  /** The roles its meta/main.yml depends on, as loaded for it (also those the play had already run). */
  dependencies?: Role[];
}

/** The vars and defaults files of a role an import_role/include_role reads (`vars_from`, `defaults_from`) in place of main. */
export interface RoleFiles {
  vars?: string;
  defaults?: string;
}

/** Keywords a task or block carries, as written (templated at run time). */
export type Keywords = Record<string, unknown>;

interface NodeBase {
  position: Position;
  name?: string;
  keywords: Keywords;
  /** Tags inherited from the play, roles, blocks and imports, plus the node's own. */
  tags: string[];
  /** Conditions inherited from blocks, roles and imports (all must hold), evaluated per task. */
  inheritedWhen: unknown[];
  role?: Role;
  /** Folder that relative paths of this node (include_tasks, vars files) are resolved against. */
  baseDir: string;
}

export interface ActionTask extends NodeBase {
  kind: 'action';
  /** The module name as written (e.g. ansible.builtin.copy). */
  action: string;
  module: Module;
  args: Record<string, unknown>;
  /**
   * Arguments given as one template (`add_host: "{{ host_spec }}"`, `args: "{{ spec }}"`): rendered when the task runs,
   * a mapping under the arguments written out (Ansible's _variable_params).
   */
  variableArgs?: string;
}

export interface BlockNode extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
  /** The `vars` of a static legacy `include`: include parameters of its tasks (above set_fact), not block vars. */
  includeParams?: Record<string, unknown>;
  /** An import_tasks: its file's tasks, whose top level is a file's (where handlers may be blocks). */
  imported?: true;
}

export interface IncludeTasksNode extends NodeBase {
  kind: 'include_tasks';
  file: string;
  /** The legacy `include` as written: an unnamed task's title, as Ansible shows it. */
  legacyAction?: string;
  /** Tags of the play, roles and blocks around the include (not its own): its tasks inherit them, as Ansible's. */
  parentTags: string[];
  /** `apply:` keywords given to every included task (tags, become, ...). */
  apply?: Keywords;
  /** Files loaded ahead of time when the file name has no template. */
  preloaded?: TaskNode[];
  /** Where the preloaded file was found (a role's include is looked for in several folders). */
  preloadedPath?: string;
}

export interface IncludeRoleNode extends NodeBase {
  kind: 'include_role';
  roleName: string;
  tasksFrom: string;
  /** The role's handlers file (`handlers_from`), main by default. */
  handlersFrom: string;
  /** The role's vars and defaults files (`vars_from`, `defaults_from`), main by default. */
  roleFiles?: RoleFiles;
  /** Tags of the play, roles and blocks around the include (not its own): the role's tasks inherit them. */
  parentTags: string[];
  /** `apply:` keywords given to every task of the role (tags, delegate_to, ...). */
  apply?: Keywords;
  /** Whether the role's arguments are checked against its argument spec (`rolespec_validate`, rendered while the play loads). */
  validatesArguments: boolean;
  /** `public:` as written: when it holds, the role's defaults and vars stay visible to the play's later tasks. */
  public?: unknown;
  /** The role loaded ahead of time when its name has no template; its handlers join the play's each time the include runs. */
  preloaded?: { role: Role; tasks: TaskNode[]; handlers: Handler[] };
}

export interface MetaNode extends NodeBase {
  kind: 'meta';
  action: string;
}

export type TaskNode = ActionTask | BlockNode | IncludeTasksNode | IncludeRoleNode | MetaNode;

/** A module task, or (as Ansible allows) an include_tasks whose tasks run when it is notified, or a meta task. */
export type Handler = (ActionTask | IncludeTasksNode | MetaNode) & {
  /** The names this handler answers to: its name, "ROLE : name", and its `listen` topics. */
  answersTo: string[];
  /** Its `listen` topics alone: a notify reaches every handler listening, but only the first one of its name. */
  listens: string[];
  /** Brought by an include_role: the include's parameters (its vars, the loop item), which the handler sees too. */
  includeParams?: Record<string, unknown>;
};

export interface Play {
  name: string;
  position: Position;
  hosts: string;
  keywords: Keywords;
  vars: Record<string, unknown>;
  /** The conditions of the import_playbook lines that brought the play in: its fact gathering is skipped where they fail. */
  importWhen: unknown[];
  /** Each entry a file, or a list of candidates of which the first that exists is loaded. */
  varsFiles: (string | string[])[];
  roles: Role[];
  preTasks: TaskNode[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: Handler[];
  baseDir: string;
}

export interface Playbook {
  path: string;
  /** The path as given on the command line: Ansible's output names the playbook so. */
  given: string;
  dir: string;
  plays: Play[];
}
