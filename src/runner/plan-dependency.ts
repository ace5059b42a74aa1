import type { ModuleResult } from '../modules/contract.js';
import { createTemplar } from '../template/templar.js';
import type { HostState } from './state.js';

/**
 * --check plans against the hosts as they are, so a task guarded by `when: not (ansible_check_mode and X is changed)`
 * is skipped there although the real run would run it once the earlier task X has made its inputs. Such a task is
 * planned as changed, naming the task it depends on, so that the plan counts every change the real run makes.
 */

/** Per host: which task's result each registered variable holds. */
const registeredBy = new WeakMap<HostState, Map<string, string>>();

export function noteRegistration(host: HostState, variable: string, taskName: string): void {
  const names = registeredBy.get(host) ?? new Map<string, string>();
  names.set(variable, taskName);
  registeredBy.set(host, names);
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The earlier task a condition that failed only because of check mode waits for: a registered result the
 * condition names that changed in this run, and the conditions hold as the real run would see them.
 */
export function planDependency(host: HostState, conditions: unknown[], failed: string, vars: Record<string, unknown>): string | undefined {
  if (vars.ansible_check_mode !== true) return undefined;
  const names = registeredBy.get(host);
  if (!names) return undefined;
  const changedTask = [...new Set(failed.match(IDENTIFIER) ?? [])]
    .filter((name) => names.has(name) && (host.hostVars[name] as ModuleResult | undefined)?.changed === true)
    .map((name) => names.get(name))
    .at(-1);
  if (changedTask === undefined) return undefined;
  const real = createTemplar({ ...vars, ansible_check_mode: false });
  return conditions.every((condition) => real.condition(condition as string | boolean | unknown[])) ? changedTask : undefined;
}

export function dependentResult(taskName: string): ModuleResult {
  return { changed: true, depends_on: taskName, msg: `changed (depends on: ${taskName})` };
}
