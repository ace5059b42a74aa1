import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AsyncJob, ModuleResult } from '../modules/contract.js';
import { asyncJobStatus } from '../modules/shared/async-job.js';
import type { AsyncEvent } from './events.js';
import type { Execution } from './execute-module.js';
import { withinTime } from './task-timeout.js';

/** A task's `async` (the job's time limit, seconds) and `poll` (seconds between checks; 0 leaves the job running). */
export interface AsyncSettings {
  seconds: number;
  poll: number;
}

/** A job id as Ansible's async_wrapper makes them ("j" and up to 12 random digits, "." and a process id). */
export function newJobId(): string {
  return `j${randomInt(0, 1e12)}.${process.pid}`;
}

/**
 * The job: the module's run, given `seconds` at most if above 0 (then Ansible's watcher kills it and leaves "Timeout
 * exceeded"; here the module is stopped before its next command, see task-timeout.ts). It always ends with a result:
 * a host that became unreachable meanwhile fails the job with the reason.
 */
export async function runJob(running: Promise<Execution>, seconds: number, stop: () => void): Promise<Execution> {
  try {
    return (await withinTime(running, seconds, stop)) ?? { result: { failed: true, msg: 'Timeout exceeded' }, diff: [] };
  } catch (error) {
    return { result: { failed: true, msg: error instanceof Error ? error.message : String(error) }, diff: [] };
  }
}

/**
 * What a task with `poll: 0` returns at once: ansible-core 2.14's async_wrapper answer, marked changed, key for key
 * and in its order (a loop over these results shows them whole), `failed` being the number 0.
 */
export function startedResult(jid: string, resultsFile: string): ModuleResult {
  const answer: Record<string, unknown> = { failed: 0, started: 1, finished: 0, ansible_job_id: jid, results_file: resultsFile, changed: true };
  return answer as ModuleResult;
}

/**
 * A task with `poll` above 0, as Ansible's task executor polls it: every `poll` seconds until `async` seconds are used
 * up (a check that finds the job running is an ASYNC POLL line); the job's result with its job fields once it ended,
 * else Ansible's failure. The job is not waited for between checks: a result comes as soon as it ends.
 */
export async function pollJob(jid: string, job: AsyncJob, ended: Promise<Execution>, settings: AsyncSettings, report: (event: AsyncEvent) => void): Promise<Execution> {
  let result: Execution | undefined;
  void ended.then((value) => {
    result = value;
  });
  for (let timeLeft = settings.seconds; timeLeft > 0 && result === undefined; timeLeft -= settings.poll) {
    await Promise.race([ended, sleep(settings.poll * 1000)]);
    if (result === undefined) report('poll');
  }
  if (result === undefined) {
    report('failed');
    return { result: { failed: true, msg: `async task did not complete within the requested time - ${settings.seconds}s`, async_result: { ...asyncJobStatus(jid, job), changed: false } }, diff: [] };
  }
  const status = asyncJobStatus(jid, { ...job, result: result.result });
  report(status.failed === true ? 'failed' : 'ok');
  return { result: status, diff: result.diff };
}

/** The failures Ansible's action plugins give before any job starts. */
export function asyncRefusal(supported: boolean, check: boolean): ModuleResult | undefined {
  if (!supported) return { failed: true, changed: false, msg: 'async is not supported for this task.' };
  if (check) return { failed: true, changed: false, msg: 'check mode and async cannot be used on same task.' };
  return undefined;
}
