import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { DRIVER_HELLO, encodeRequest, type ScriptDefinitions, type StreamRequest } from './driver.js';
import { FrameReader } from './frame-reader.js';
import type { ExecResult } from './types.js';

/**
 * A request's token: random per process and counted per request (decimal, so no token's markers are found
 * in another's), so no command output ends a frame by chance, and short, as the driver reads it byte by byte.
 */
const TOKEN_PREFIX = randomBytes(6).toString('hex');
let tokenCount = 0;

/** The stream's channel ended while a command was running (or before it was sent). */
export class StreamEnded extends Error {}

/**
 * What a driver runs behind: an SSH channel, or the pipes of a process on the controller (local-channel.ts).
 * 'data' is its stdout, `stderr` emits its stderr, 'exit' (code, signal) and 'close' its end.
 */
export interface DriverChannel extends EventEmitter {
  readonly stderr: EventEmitter;
  write(data: Buffer | string): unknown;
  /** Ends its input: the driver finishes the command it runs, then exits. */
  end(): unknown;
  close(): unknown;
}

/** The driver did not start: what its channel printed and how it exited. */
export interface StartFailure {
  failed: ExecResult;
}

interface Pending {
  out: FrameReader;
  err: FrameReader;
  resolve: (result: ExecResult) => void;
  reject: (error: Error) => void;
}

function exitCode(code: number | null | undefined, signal: string | undefined): number {
  if (typeof code === 'number') return code;
  return signal ? 128 + (({ HUP: 1, INT: 2, KILL: 9, PIPE: 13, TERM: 15 }) as Record<string, number>)[signal.replace(/^SIG/, '')] || 255 : 255;
}

/**
 * One long-lived channel running the driver (see driver.ts): commands are sent one at a time as
 * framed requests and answered in frames, so a command costs one round trip and no new channel.
 */
export class CommandStream {
  busy = false;
  private ended = false;
  private pending?: Pending;

  /** definitions: the fixed scripts this stream's driver ran or was started with, and whether it holds them as shell functions (driver.ts). */
  private constructor(
    private readonly channel: DriverChannel,
    readonly definitions: ScriptDefinitions,
  ) {
    channel.on('data', (chunk: Buffer) => this.output(chunk, 'out'));
    channel.stderr.on('data', (chunk: Buffer) => this.output(chunk, 'err'));
    const end = (): void => this.end();
    channel.on('exit', end);
    channel.on('close', end);
  }

  /** Starts the driver (defining `definitions`) on the channel `opened` gives; `head` is written ahead of any request (a sudo password). */
  static open(opened: Promise<DriverChannel>, definitions: ScriptDefinitions, head?: Buffer): Promise<CommandStream | StartFailure> {
    return opened.then(
      (channel) =>
        new Promise<CommandStream | StartFailure>((resolve) => {
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let code: number | null | undefined;
          let signal: string | undefined;
          const onData = (chunk: Buffer): void => {
            stdout.push(chunk);
            const seen = Buffer.concat(stdout);
            if (seen.length < DRIVER_HELLO.length) return;
            detach();
            if (seen.toString('latin1', 0, DRIVER_HELLO.length) !== DRIVER_HELLO) {
              channel.close();
              resolve({ failed: { rc: 255, stdout: seen.toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') } });
              return;
            }
            resolve(new CommandStream(channel, definitions));
          };
          const onErr = (chunk: Buffer): void => void stderr.push(chunk);
          const onExit = (exitStatus: number | null, exitSignal?: string): void => {
            code = exitStatus;
            signal = exitSignal;
          };
          const onClose = (): void => {
            detach();
            const out = { rc: exitCode(code, signal), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
            resolve({ failed: out });
          };
          const detach = (): void => {
            channel.off('data', onData);
            channel.stderr.off('data', onErr);
            channel.off('exit', onExit);
            channel.off('close', onClose);
          };
          channel.on('data', onData);
          channel.stderr.on('data', onErr);
          channel.on('exit', onExit);
          channel.on('close', onClose);
          if (head) channel.write(head);
        }),
    );
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** Runs one command (a request from driver.ts) and resolves with its exit code and output. */
  run(request: StreamRequest, stdin?: Buffer): Promise<ExecResult> {
    if (this.ended) return Promise.reject(new StreamEnded('the command stream has ended'));
    const token = `${TOKEN_PREFIX}${(tokenCount += 1)}`;
    return new Promise((resolve, reject) => {
      this.pending = { out: new FrameReader(token, true), err: new FrameReader(token, false), resolve, reject };
      this.channel.write(encodeRequest(token, request, stdin));
    });
  }

  close(): void {
    if (this.ended) return;
    this.channel.end();
    this.end();
  }

  private output(chunk: Buffer, which: 'out' | 'err'): void {
    const pending = this.pending;
    // Bytes outside a frame (late output of a background job) belong to no command.
    if (!pending) return;
    (which === 'out' ? pending.out : pending.err).feed(chunk);
    if (!pending.out.done || !pending.err.done) return;
    this.pending = undefined;
    pending.resolve({ rc: Number(pending.out.trailer), stdout: pending.out.body.toString('utf8'), stderr: pending.err.body.toString('utf8') });
  }

  private end(): void {
    this.ended = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new StreamEnded('the command stream ended mid-command'));
  }
}
