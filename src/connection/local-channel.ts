import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { DriverChannel } from './command-stream.js';

/**
 * A driver's channel on the controller: `argv` started once as a process whose pipes carry the requests and
 * answers. Starting a program from Node forks the whole Node process; the driver, a small shell, forks far
 * less for each command it starts.
 */
export class ProcessChannel extends EventEmitter implements DriverChannel {
  readonly stderr = new EventEmitter();
  private readonly child: ChildProcess;

  constructor(argv: readonly string[]) {
    super();
    const [file, ...args] = argv;
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => this.emit('data', chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.emit('data', chunk));
    // A driver that ended is seen on 'exit': writing to it after that is no error of its own.
    this.child.stdin?.on('error', () => undefined);
    this.child.on('error', () => this.emit('close'));
    this.child.on('exit', (code, signal) => this.emit('exit', code, signal ?? undefined));
    this.child.on('close', () => this.emit('close'));
    this.hold(false);
  }

  write(data: Buffer | string): boolean {
    return this.child.stdin?.write(data) ?? false;
  }

  end(): void {
    this.child.stdin?.end();
  }

  close(): void {
    this.end();
  }

  /** While it runs a command, the driver keeps the controller's process alive; idle, it does not. */
  hold(busy: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as ({ ref(): void; unref(): void } | null)[];
    for (const handle of handles) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  }
}
