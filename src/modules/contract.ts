import type { ConnectionSettings } from '../connection/settings.js';
import type { Connection } from '../connection/types.js';
import type { TextOptions } from '../template/templar.js';

/** One before/after pair shown under --diff as a unified diff. */
export interface FileDiff {
  before: string;
  after: string;
  /** Usually the path, e.g. "/etc/hosts" (shown as --- before: PATH / +++ after: PATH). */
  beforeHeader?: string;
  afterHeader?: string;
  /** A diff the module wrote itself (Ansible's `prepared`), shown as is instead of before/after. */
  prepared?: string;
}

/** Ansible's result shape: fixed keys plus each module's own fields. */
export interface ModuleResult {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** Facts published by the module; set_fact's values land at set_fact precedence (see Module.setsHostVars). */
  ansible_facts?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What a module needs from the run, and nothing about playbooks. */
export interface ModuleContext {
  /** inventory_hostname of the target. */
  host: string;
  /** The target's connection (opened on first use, reused for every task). */
  connection: Connection;
  /** --check: plan and report, never apply. */
  check: boolean;
  /** --diff: the runner prints Plan.diff. */
  diff: boolean;
  /** The host's variables as templated values (facts, inventory, play vars ...). */
  vars: Record<string, unknown>;
  /** Evaluates a bare Jinja2 expression (e.g. "x is defined") in the host's variables. */
  evaluate(expression: string): unknown;
  /** The task has no_log: a module that logs its arguments (an Ansible module's invocation) masks them. */
  noLog?: boolean;
  /** Renders Jinja2 template text in the host's variables (a template file: always text), with the template module's options. */
  render(text: string, options?: TextOptions): string;
  /** Templates a value as Ansible types templated variables ("{{ n + 1 }}" is text, "{{ list }}" a list). */
  template(value: unknown): unknown;
  /** Finds a controller-side file for `src:` (kind "files") or `template` (kind "templates"), role folders first. */
  findFile(kind: 'files' | 'templates', path: string): string;
  /** Where the task was written, for controller-side modules that resolve relative paths as Ansible does. */
  origin: TaskOrigin;
  /** The task host's own connection settings (never a delegate's) and the delegate, for a module that starts its own ssh (synchronize). */
  hostConnection?: () => { settings: ConnectionSettings; delegateTo?: string };
  /** add_host: puts a host (in these groups, with these variables) in the run's inventory; true when that changed it. */
  addHost?: (name: string, groups: readonly string[], vars: Record<string, unknown>) => boolean;
  /** group_by: puts the task's host in a group, a child of these parents; true when that changed the inventory. */
  addToGroup?: (group: string, parents: readonly string[]) => boolean;
  /** async_status: the run's background jobs (tasks with `async` and `poll: 0`), by job id. */
  asyncJobs?: Map<string, AsyncJob>;
}

/**
 * A task started in the background (`async` with `poll: 0`). Ansible's job writes its result to a file on the host
 * that async_status reads; betif-play's runs on the controller for as long as the run lasts, and async_status reads it here.
 */
export interface AsyncJob {
  host: string;
  /** Where Ansible would keep the job's result on the host (results_file). */
  resultsFile: string;
  /** The module's result, once the job ended. */
  result?: ModuleResult;
}

export interface TaskOrigin {
  /** The folder of the role the task belongs to. */
  rolePath?: string;
  /** The folder of the file the task is written in. */
  taskDir: string;
  playbookDir: string;
}

export interface Plan {
  /** Whether applying would change the host. */
  changed: boolean;
  /** Human before/after for --diff. */
  diff?: FileDiff[];
  /** Result fields known from the read alone (also returned in check mode). */
  result?: ModuleResult;
  /** Makes the change. Never called in check mode; its fields are merged over `result`. */
  apply?: () => Promise<ModuleResult>;
  /** Set to skip the task with this message (e.g. a command in check mode whose outcome cannot be known). */
  skip?: string;
}

/** One value a module returns, as Ansible's RETURN documents it. */
export interface ReturnDoc {
  description: string;
  /** Ansible's type names: str, int, bool, list, dict, float, raw. */
  type: string;
  /** When it is returned: always, success, changed, or a condition ("when state=present"). */
  returned?: string;
  sample?: unknown;
}

export interface Module<Args = any, State = any> {
  /** Short name used in playbooks, e.g. "copy". */
  name: string;
  /** The collection of its fully qualified name (default ansible.builtin): copy is also ansible.builtin.copy. */
  namespace?: string;
  /** Other accepted names, e.g. FQCNs of other collections ("community.general.modprobe"). */
  aliases?: string[];
  /** Ansible action groups the module belongs to, as FQCNs ("kubernetes.core.helm"): `module_defaults: {group/...}`. */
  actionGroups?: string[];
  /**
   * JSON Schema of the arguments, checked with ajv before any host is contacted. Its root `description` is the
   * module's one-line summary and each property's `description` says what the argument means: the editor
   * schemas, `betif-play doc` and docs/modules/ are all made from it.
   */
  schema: Record<string, unknown>;
  /** Tasks using the module, as YAML text (Ansible's EXAMPLES); a test checks them against the schema. */
  examples?: string;
  /** What the module returns besides Ansible's common keys (changed, failed, msg), by key. */
  returns?: Record<string, ReturnDoc>;
  /** The argument that receives free-form text, as in `command: ls -l` (for command, shell). */
  freeForm?: string;
  /** Runs on the controller only (debug, set_fact, assert, fail): no connection is opened. */
  controllerOnly?: boolean;
  /** Ansible's action plugin for it runs no background job: `async` fails the task ("async is not supported for this task."). */
  noAsync?: boolean;
  /** Only reads the host (stat, ping, wait_for): never changes it, so a --check plan never counts it as a change. */
  readOnly?: boolean;
  /** Runs once for all the task's hosts, as if run_once were set (Ansible's BYPASS_HOST_LOOP: pause). */
  bypassHostLoop?: boolean;
  /** The module's ansible_facts are set_fact-level host variables, not gathered facts. */
  setsHostVars?: boolean;
  /** The module's ansible_facts are include_vars-level host variables (above task vars, below set_fact). */
  includesVars?: boolean;
  /** Arguments whose values are secret: never printed, logged, or shown in a diff. */
  secretArgs?: string[];
  /** Result keys whose values are secret (a join token): kept for `register`, masked in all output and logs. */
  secretResults?: string[];
  /** Where the code of a module that is not native to betif-play comes from (an Ansible module file). */
  origin?: string;
  /** The message Ansible's action plugin gives, at run time, for a required argument left out (copy: "dest is required"). */
  requiredMessages?: Record<string, string>;
  /** The action plugin's message, at run time, for an argument of the wrong type; of several, the last listed wins, as the plugin checks in turn. */
  typeMessages?: Record<string, string>;
  /** Load-time checks beyond the schema (problems as messages), for modules that describe their arguments otherwise. */
  checkArgs?: (args: Record<string, unknown>) => string[];
  /** One round trip that reads the current state the plan needs. */
  read(ctx: ModuleContext, args: Args): Promise<State>;
  /** Pure: the difference between args and state, and how to apply it. */
  plan(args: Args, state: State, ctx: ModuleContext): Plan;
}

export function defineModule<Args, State>(module: Module<Args, State>): Module<Args, State> {
  return module;
}

/** A failure a module reports with a message (becomes failed: true, msg), not a crash. */
export class ModuleFailure extends Error {
  constructor(message: string, readonly result: ModuleResult = {}) {
    super(message);
    this.name = 'ModuleFailure';
  }
}
