import { CommandStream, StreamEnded } from './command-stream.js';
import { driverStart, streamRequest } from './driver.js';
import { escalatedCommand, escalationFailure, withoutPrompt } from './escalation.js';
import { ProcessChannel } from './local-channel.js';
import { shellScript } from './quote.js';
import { BecomeError, UnreachableError, type BecomeOptions, type Connection, type ExecOptions, type ExecResult } from './types.js';

/** Commands of one local connection that run at once, each on a driver of its own; more wait for one to be free. */
const MAX_STREAMS = 8;

interface LocalStream {
  stream: CommandStream;
  channel: ProcessChannel;
}

/**
 * Runs commands on the controller itself (ansible_connection=local), through the same driver as an SSH host
 * (driver.ts), started once as a local process: one shell's fork per command instead of a fork of Node. A
 * controller whose shell cannot run the driver, and commands run as another user, start a process each.
 */
export class LocalConnection implements Connection {
  private streams: LocalStream[] = [];
  private opening = 0;
  private readonly waiting: (() => void)[] = [];
  private perCommandOnly = false;

  constructor(readonly host: string) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (options.become) return this.escalated(argv, options, options.become);
    const local = this.perCommandOnly ? undefined : await this.acquire();
    if (!local) return this.run(argv, options);
    local.channel.hold(true);
    try {
      const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
      return await local.stream.run(streamRequest(argv, options, local.stream.definitions), stdin);
    } catch (error) {
      if (error instanceof StreamEnded) throw new UnreachableError(`the local command stream ended while running ${argv[0]}`);
      throw error;
    } finally {
      local.channel.hold(false);
      local.stream.busy = false;
      this.waiting.shift()?.();
    }
  }

  async reconnect(): Promise<void> {}

  async close(): Promise<void> {
    for (const { stream } of this.streams) stream.close();
    this.streams = [];
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async escalated(argv: readonly string[], options: ExecOptions, become: BecomeOptions): Promise<ExecResult> {
    const escalated = escalatedCommand(argv, options, become);
    const result = withoutPrompt(await this.run(escalated.argv, escalated.options), become);
    const failure = escalationFailure(result, become, this.host);
    if (failure) throw new BecomeError(failure);
    return result;
  }

  /** An idle driver, a new one while fewer than MAX_STREAMS run, or the next one released; none when the driver cannot run here. */
  private async acquire(): Promise<LocalStream | undefined> {
    for (;;) {
      this.streams = this.streams.filter(({ stream }) => stream.alive);
      const idle = this.streams.find(({ stream }) => !stream.busy);
      if (idle) {
        idle.stream.busy = true;
        return idle;
      }
      if (this.perCommandOnly) return undefined;
      if (this.streams.length + this.opening < MAX_STREAMS) return this.start();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async start(): Promise<LocalStream | undefined> {
    const driver = driverStart();
    const channel = new ProcessChannel(shellScript(driver.script));
    this.opening += 1;
    let started;
    try {
      channel.hold(true);
      started = await CommandStream.open(Promise.resolve(channel), driver.definitions);
    } finally {
      channel.hold(false);
      this.opening -= 1;
      this.waiting.shift()?.();
    }
    if (!(started instanceof CommandStream)) {
      this.perCommandOnly = true;
      return undefined;
    }
    started.busy = true;
    const local = { stream: started, channel };
    this.streams.push(local);
    return local;
  }

  /** A process of its own for one command. */
  private async run(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = argv;
    // Loaded by the first such command: a run that makes none never pays for it.
    const { execa } = await import('execa');
    const result = await execa(file, args, {
      input: options.stdin ?? '',
      cwd: options.cwd,
      env: options.env,
      reject: false,
      stripFinalNewline: false,
      encoding: 'utf8',
    });
    const rc = typeof result.exitCode === 'number' ? result.exitCode : 127;
    const stderr = result.failed && result.exitCode === undefined ? String(result.shortMessage ?? result.stderr) : result.stderr;
    return { rc, stdout: result.stdout, stderr };
  }
}
