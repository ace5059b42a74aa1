import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Execution } from '../../src/runner/execute-module.js';
import { newJobId, pollJob, runJob, startedResult } from '../../src/runner/async-task.js';
import type { AsyncEvent } from '../../src/runner/events.js';

const finishing = (afterMs: number): Promise<Execution> => sleep(afterMs).then(() => ({ result: { changed: true, rc: 0, stdout: 'done' }, diff: [] }));

test('a polled job: a check that finds it running is an ASYNC POLL, then its result with the job fields', async () => {
  const events: AsyncEvent[] = [];
  const job = { host: 'h1', resultsFile: '~/.ansible_async/j1.2' };
  const done = await pollJob('j1.2', job, runJob(finishing(1_300), 0, () => undefined), { seconds: 10, poll: 1 }, (event) => events.push(event));
  assert.deepEqual(events, ['poll', 'ok']);
  assert.deepEqual(done.result, { ansible_job_id: 'j1.2', started: 1, finished: 1, stdout: 'done', stderr: '', stdout_lines: [], stderr_lines: [], results_file: '~/.ansible_async/j1.2', changed: true, rc: 0 });
});

test('a polled job past its time fails with Ansible\'s message after every check it ran; a job left running has its own limit', async () => {
  const events: AsyncEvent[] = [];
  const job = { host: 'h1', resultsFile: '~/.ansible_async/j3.4' };
  const late = await pollJob('j3.4', job, runJob(finishing(5_000), 0, () => undefined), { seconds: 2, poll: 1 }, (event) => events.push(event));
  assert.deepEqual(events, ['poll', 'poll', 'failed']);
  assert.equal(late.result.msg, 'async task did not complete within the requested time - 2s');
  assert.equal((late.result.async_result as Record<string, unknown>).finished, 0);

  let stopped = false;
  assert.deepEqual((await runJob(finishing(3_000), 1, () => (stopped = true))).result, { failed: true, msg: 'Timeout exceeded' });
  assert.equal(stopped, true);
  assert.deepEqual((await runJob(Promise.reject(new Error('host gone')), 0, () => undefined)).result, { failed: true, msg: 'host gone' });
});

test('a job left running answers at once as Ansible\'s async_wrapper does, with a job id of its form', () => {
  const jid = newJobId();
  assert.match(jid, /^j\d{1,12}\.\d+$/);
  assert.deepEqual(Object.keys(startedResult(jid, `~/.ansible_async/${jid}`)), ['failed', 'started', 'finished', 'ansible_job_id', 'results_file', 'changed']);
});
