import type { ActionTask, Handler } from '../playbook/types.js';
import type { ModuleResult } from '../modules/contract.js';
import { createTemplar } from '../template/templar.js';
import type { HostState } from './state.js';

/**
 * --check plans against the hosts as they are, so a task whose inputs an earlier task of the run makes (a package
 * from a repository added in the same run, a cluster installed by an earlier play) is skipped there although the
 * real run would run it: its condition on the state the run found fails only because of check mode (`when: not
 * (ansible_check_mode and X is changed)`, `when: cluster.stat.exists or not ansible_check_mode`), or it is a handler
 * that check mode cannot run (a command) notified by a planned change. Such a task is planned as changed, naming the task it depends on, so that the plan counts every
 * change the real run makes.
 */

/** Per host: which task's result each registered variable holds. */
const registeredBy = new WeakMap<HostState, Map<string, string>>();
/** Per host: the last task of the run that changed it (or, in --check, was planned to). */
const lastChange = new WeakMap<HostState, string>();
/** Per host: the task whose change notified each handler. */
const notifiedBy = new WeakMap<HostState, Map<Handler, string>>();

export function noteRegistration(host: HostState, variable: string, taskName: string): void {
  const names = registeredBy.get(host) ?? new Map<string, string>();
  names.set(variable, taskName);
  registeredBy.set(host, names);
}

export function noteChange(host: HostState, taskName: string): void {
  lastChange.set(host, taskName);
}

export function noteNotification(host: HostState, handler: Handler, taskName: string): void {
  const handlers = notifiedBy.get(host) ?? new Map<Handler, string>();
  handlers.set(handler, taskName);
  notifiedBy.set(host, handlers);
}

/** The task whose change last notified a handler on a host. */
export function notifierOf(host: HostState, handler: Handler): string | undefined {
  return notifiedBy.get(host)?.get(handler);
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The earlier task a condition that failed only because of check mode waits for: a registered result the failed
 * condition names that changed in this run, else, when the condition reads a registered result at all (the state
 * the run found, as `cluster.stat.exists or not ansible_check_mode`), the host's last change in this run. A bare
 * `when: not ansible_check_mode` reads nothing: it keeps a task out of the plan, as in Ansible. Only when the
 * conditions hold as the real run would see them.
 */
export function planDependency(host: HostState, conditions: unknown[], failed: string, vars: Record<string, unknown>): string | undefined {
  if (vars.ansible_check_mode !== true) return undefined;
  const names = registeredBy.get(host) ?? new Map<string, string>();
  const registered = [...new Set(failed.match(IDENTIFIER) ?? [])].filter((name) => names.has(name));
  const changedTask =
    registered
      .filter((name) => (host.hostVars[name] as ModuleResult | undefined)?.changed === true)
      .map((name) => names.get(name))
      .at(-1) ?? (registered.length > 0 ? lastChange.get(host) : undefined);
  if (changedTask === undefined) return undefined;
  const real = createTemplar({ ...vars, ansible_check_mode: false });
  try {
    return conditions.every((condition) => real.condition(condition as string | boolean | unknown[])) ? changedTask : undefined;
  } catch {
    // A condition on results the real run has not made yet: the plan cannot tell.
    return undefined;
  }
}

/** Whether the task can change a host at all: not a controller action, not a read, not `changed_when: false`. */
export function mayChange(task: ActionTask): boolean {
  if (task.module.controllerOnly === true || task.module.readOnly === true) return false;
  const changedWhen = task.keywords.changed_when;
  return !(changedWhen === false || (typeof changedWhen === 'string' && /^\s*false\s*$/i.test(changedWhen)));
}

export function dependentResult(taskName: string): ModuleResult {
  return { changed: true, depends_on: taskName, msg: `changed (depends on: ${taskName})` };
}
