import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN } from '../../helpers/cli.js';
import type { Job, JobResult } from './betif-worker.js';

const WORKER = fileURLToPath(new URL('./betif-worker.js', import.meta.url));

/** Runs betif-play command lines, each in a process that already has the command loaded (see betif-worker.ts). */
export interface BetifRunner {
  run(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<JobResult>;
  close(): void;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
}

function startWorker(): Worker {
  // stdin a pipe and stdout/stderr not terminals, as for a command run with execFile.
  const child = fork(WORKER, [BIN], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NO_COLOR: '1' } });
  child.stdout?.resume();
  child.stderr?.resume();
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the betif-play worker exited (${code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
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

/** Workers that run one command at a time each, started as needed and kept for the next command. */
export function betifRunner(): BetifRunner {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  return {
    async run(args, { cwd, env }) {
      const worker = idle.pop() ?? startWorker();
      all.add(worker);
      try {
        await worker.ready;
        const result = await runOn(worker, { args, cwd, env: { ...process.env, NO_COLOR: '1', ...env } as Record<string, string> });
        idle.push(worker);
        return result;
      } catch (error) {
        all.delete(worker);
        worker.child.kill();
        throw error;
      }
    },
    close() {
      // A worker leaves once its channel closes (see betif-worker.ts).
      for (const worker of all) if (worker.child.connected) worker.child.disconnect();
      all.clear();
      idle.length = 0;
    },
  };
}
