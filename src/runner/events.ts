import type { CustomStats } from './custom-stats.js';
import type { FileDiff, ModuleResult } from '../modules/contract.js';

export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

export interface TaskInfo {
  /** As Ansible shows it: "role : name", or the module name when the task has none. */
  title: string;
  isHandler: boolean;
  /** file:line:column of the task. */
  where: string;
  module?: string;
  /** The Ansible module file that runs the task, when betif-play has no native module of that name. */
  moduleFile?: string;
  /** The native module that runs the task (its FQCN). */
  nativeModule?: string;
}

export interface HostEvent {
  host: string;
  status: HostStatus;
  result: ModuleResult;
  diff: FileDiff[];
  /** Present for one item of a loop: the label shown as (item=...). */
  item?: { label: unknown };
  delegatedTo?: string;
  ignored: boolean;
  /** The task has no_log (or the result holds secrets): show nothing of the result. */
  hidden: boolean;
  /** The failure came from the runner (templating, arguments) before the module ran. */
  runnerError?: boolean;
}

/** A command that ran on a host; argv is absent for no_log tasks. */
export interface CommandEvent {
  host: string;
  argv?: readonly string[];
  rc: number;
  durationMs: number;
}

/** What the runner tells the outside world; the output layer implements it. */
/** What a check of a background job found (see Reporter.asyncJob). */
export type AsyncEvent = 'poll' | 'ok' | 'failed';

export interface Reporter {
  /** A playbook starts: its path as given on the command line, and how many plays it holds (imports included). */
  playbookStart?(path: string, playCount: number): void;
  playStart(name: string): void;
  noHosts(message: string): void;
  taskStart(task: TaskInfo, hostCount: number): void;
  /** A loop item's result (printed as it comes). */
  itemResult(task: TaskInfo, event: HostEvent): void;
  /** A host's result for a whole task (for loops: the summary, after its items). */
  hostResult(task: TaskInfo, event: HostEvent, loop: boolean): void;
  /** A task notified a handler the host had not been notified of yet (its title, as its banner shows it). */
  notified?(handler: string, host: string): void;
  /** A meta task acted or was skipped, in Ansible's words ("noop", "triggered running handlers for h1"). */
  meta?(task: TaskInfo, message: string): void;
  /** include_tasks / include_role: which file now runs for which hosts. */
  included(task: TaskInfo, file: string, hosts: string[], item?: { label: unknown }): void;
  /** A task with `async` and `poll` checked its job: still running (Ansible's ASYNC POLL), ended well (ASYNC OK) or not (ASYNC FAILED). */
  asyncJob?(task: TaskInfo, host: string, event: AsyncEvent, jobId: string): void;
  /** An `until` condition failed and the task will run again. */
  retrying(task: TaskInfo, host: string, retriesLeft: number): void;
  /** How many hosts are still running the current task (for a progress display). */
  pending(task: TaskInfo, pending: number): void;
  warning(message: string): void;
  /** A part of a play's host pattern matched no host when the play started (Ansible warns on stderr, before the play's banner). */
  unmatchedPattern?(part: string): void;
  command(task: TaskInfo, event: CommandEvent): void;
  /** set_stats' statistics, per host and for the run ('_run'), just before the recap (when there are any). */
  customStats?(stats: CustomStats): void;
  recap(stats: Map<string, HostStats>): void;
}
