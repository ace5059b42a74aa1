import type { AsyncJob, ModuleResult } from '../contract.js';

/** What async_status's action plugin starts every answer with (ansible-core 2.14). */
export function asyncStatusBase(jid: string, started: 0 | 1): ModuleResult {
  return { ansible_job_id: jid, started, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };
}

/** A job's state as async_status reports it: running (finished: 0), or its module's result with finished: 1. */
export function asyncJobStatus(jid: string, job: AsyncJob): ModuleResult {
  const status = { ...asyncStatusBase(jid, 1), results_file: job.resultsFile };
  return job.result ? { ...status, ...job.result, finished: 1 } : status;
}
