import type { Inventory } from '../inventory/types.js';
import type { ConnectionPool } from '../connection/pool.js';
import type { SettingsDefaults } from '../connection/settings.js';
import type { AsyncJob, ModuleResult } from '../modules/contract.js';
import type { Handler, Keywords, Play, Role } from '../playbook/types.js';
import type { CustomStats } from './custom-stats.js';
import { emptyStats, type HostStats, type Reporter } from './events.js';
import type { Secrets } from './secrets.js';
import type { StepAnswer, TaskGate } from './task-gate.js';
import type { FactCache } from './fact-cache.js';
import type { Frame, HostPosition } from './block-position.js';
import type { PlayHandlers } from './play-handlers.js';

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  tags: string[];
  skipTags: string[];
  extraVars: Record<string, unknown>;
  limit?: string;
  user?: string;
  become: boolean;
  becomeUser?: string;
  forceHandlers: boolean;
  /** ansible.cfg's error_on_missing_handler: a notify naming no handler ends the run (else it is a warning). */
  errorOnMissingHandler: boolean;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  knownHostsFiles: string[];
  verbosity: number;
  /** Connection defaults from ansible.cfg and the command line (-c, -T, --private-key, -k, -K, --become-method ...). */
  connectionDefaults: Omit<SettingsDefaults, 'user' | 'hostKeyChecking' | 'knownHostsFiles' | 'become' | 'becomeUser'>;
  /** ansible.cfg's pipelining: betif-play shows it as ansible_pipelining, as Ansible's play context. */
  pipelining?: boolean;
  /** ansible.cfg's gathering: implicit (gather unless gather_facts: false), explicit, smart (once per host). */
  gathering: 'implicit' | 'explicit' | 'smart';
  /** ansible.cfg's gather_subset, gather_timeout and fact_path: the play keywords' defaults, as setup arguments. */
  gatherDefaults?: { gather_subset?: string[]; gather_timeout?: number; fact_path?: string };
  /** ansible.cfg's strategy (ANSIBLE_STRATEGY): the default of the play keyword. */
  strategy: string;
  /** ansible.cfg's any_errors_fatal: the default of the play keyword. */
  anyErrorsFatal: boolean;
  /** ansible.cfg's task_timeout (ANSIBLE_TASK_TIMEOUT): the default of the `timeout` keyword, 0 for none. */
  taskTimeout?: number;
  /** ansible.cfg's poll_interval (ANSIBLE_POLL_INTERVAL): the default `poll` of a task with `async` (15). */
  pollInterval?: number;
  /** --start-at-task: tasks before the first one with this name are not run. */
  startAtTask?: string;
  /** --step: ask before each task. */
  step?: (title: string) => Promise<StepAnswer>;
  /** ansible.cfg's fact_caching = jsonfile: facts kept between runs. */
  factCache?: FactCache;
  /** Where local modules and collections are looked for (ansible.cfg library / -M, collections_path). */
  modulePaths: string[];
  collectionsPaths: string[];
}

/** Everything the run knows about one host; it outlives plays (facts, set_fact and registered results persist). */
export interface HostState {
  name: string;
  /** The inventory's variables of the host, as of inventoryRevision (see vars.ts inventoryVarsOf). */
  inventoryVars: Record<string, unknown>;
  inventoryRevision?: number;
  facts: Record<string, unknown>;
  /** Variables loaded by include_vars (below set_fact and register). */
  includedVars: Record<string, unknown>;
  /** Facts a module named itself (getent_passwd, services): variables under those names, not ansible_NAME. */
  ownNamedFacts: Set<string>;
  /** set_fact values and registered results. */
  hostVars: Record<string, unknown>;
  /** ansible_failed_task / ansible_failed_result inside rescue. */
  failureVars: Record<string, unknown>;
  failed: boolean;
  /** The failure came from a handler a flush ran: a rescue catching it does not count it rescued, as Ansible's does not. */
  failedInHandler: boolean;
  unreachable: boolean;
  /** How many times meta clear_host_errors ran for the host: an always section it ran in leaves the host going. */
  errorsCleared: number;
  /** Left the play (end_host, any_errors_fatal, max_fail_percentage): not counted as failed. */
  ended: boolean;
  /** Where the host's last task in this play left it (any_errors_fatal spares a host bound for a rescue or always). */
  position?: HostPosition;
  notified: Set<Handler>;
  stats: HostStats;
}

export function newHostState(name: string, inventoryVars: Record<string, unknown>): HostState {
  return {
    name,
    inventoryVars,
    facts: {},
    includedVars: {},
    ownNamedFacts: new Set(),
    hostVars: {},
    failureVars: {},
    failed: false,
    failedInHandler: false,
    unreachable: false,
    errorsCleared: 0,
    ended: false,
    notified: new Set(),
    stats: emptyStats(),
  };
}

export function isActive(host: HostState): boolean {
  return !host.failed && !host.unreachable && !host.ended;
}

/** The run-wide services a task needs. */
export interface RunContext {
  options: RunOptions;
  inventory: Inventory;
  pool: ConnectionPool;
  reporter: Reporter;
  hosts: Map<string, HostState>;
  playbookDir: string;
  /** Secret values seen so far (tokens, secret arguments): masked in all output. */
  secrets: Secrets;
  /** --start-at-task / --step. */
  gate?: TaskGate;
  /** The jobs tasks with `async` and `poll: 0` started, for async_status (made on first use). */
  asyncJobs?: Map<string, AsyncJob>;
  /** set_stats' statistics (made on first use). */
  customStats?: CustomStats;
}

/** One play being run: its hosts and its loaded variables. */
export interface PlayRun {
  run: RunContext;
  play: Play;
  varsFiles: Record<string, unknown>;
  /** The play's handlers as they stand (include_roles add theirs when they run). */
  handlers: PlayHandlers;
  /** All hosts of the play, and the current serial batch. */
  playHosts: string[];
  batch: HostState[];
  /** Set when the play must stop for everyone (any_errors_fatal, max_fail_percentage, end_play). */
  aborted: boolean;
  /** Set when the plays after this one must not run (any_errors_fatal, max_fail_percentage, a batch that all failed). */
  breaksPlaybook: boolean;
}

/** Where a node sits: the blocks around it, the role it belongs to, the include that brought it. */
export interface Scope {
  blocks: Keywords[];
  role?: Role;
  includeParams: Record<string, unknown>;
  /** The blocks (and includes) around the node and the section of each being run. */
  frames: readonly Frame[];
  isHandler: boolean;
  /** Tags given to included tasks by `include_tasks: {apply: {tags}}`. */
  appliedTags: string[];
  /** In --check, inside an include that waits for an earlier task: that task (see plan-dependency.ts). */
  dependsOn?: string;
}

export type TaskResult = ModuleResult;
