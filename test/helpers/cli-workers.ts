import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, JobResult } from './cli-worker.js';

const WORKER = fileURLToPath(new URL('./cli-worker.js', import.meta.url));
/** The shipped command (package.json's bin): the esbuild bundle. */
export const BIN = fileURLToPath(new URL('../../bundle/cli/bin.js', import.meta.url));

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
}

function startWorker(): Worker {
  // No terminal anywhere, as for a command run by execFile; the worker's own crashes show on the test's stderr.
  const child = fork(WORKER, [BIN], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the betif-play worker exited (${code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

/** An idle worker must not keep the test process alive; a busy one must. */
function holdsTheProcess(worker: Worker, busy: boolean): void {
  if (busy) {
    worker.child.ref();
    worker.child.channel?.ref();
  } else {
    worker.child.unref();
    worker.child.channel?.unref();
  }
}

function runOn(worker: Worker, job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`the betif-play worker died during \`betif-play ${job.args.join(' ')}\` in ${job.cwd} (exit ${code ?? signal})`));
    worker.child.once('exit', onExit);
    worker.child.once('message', (result: JobResult) => {
      worker.child.off('exit', onExit);
      resolve(result);
    });
    worker.child.send(job);
  });
}

const idle: Worker[] = [];

/** Runs one command line in an idle worker (started when none is idle), which then waits for the next one. */
export async function runInWorker(job: Job): Promise<JobResult> {
  const worker = idle.pop() ?? startWorker();
  holdsTheProcess(worker, true);
  try {
    await worker.ready;
    const result = await runOn(worker, job);
    holdsTheProcess(worker, false);
    idle.push(worker);
    return result;
  } catch (error) {
    worker.child.kill();
    throw error;
  }
}
