import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli.js';

const WORKER = fileURLToPath(new URL('./cli-worker.js', import.meta.url));

/** Runs betif-play command lines one after another in one long-lived process (see cli-worker.ts). */
export class CliBatch {
  private readonly child: ChildProcess;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NO_COLOR: '1' } });
  }

  run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
    const next = this.queue.then(
      () =>
        new Promise<CliRun>((resolve, reject) => {
          const failed = (error: Error) => reject(error);
          this.child.once('error', failed);
          this.child.once('message', (answer) => {
            this.child.off('error', failed);
            resolve(answer as CliRun);
          });
          this.child.send({ args, cwd, env });
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.child.kill();
  }
}
