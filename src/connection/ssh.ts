import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { constants, homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { NodeSSH } from 'node-ssh';
import pLimit from 'p-limit';
import type { AnyAuthMethod, Channel } from 'ssh2';
import { CommandStream, StreamEnded, type DriverChannel } from './command-stream.js';
import { driverStart, streamRequest } from './driver.js';
import { preferredHostKeyAlgorithms, verifyHostKey } from './known-hosts.js';
import { PREFERRED_KEX } from './key-exchange.js';
import { privateKey, type KeyParser } from './private-keys.js';
import { quoteArgv, shellScript } from './quote.js';
import type { ConnectionSettings } from './settings.js';
import { envAssignments, escalate, escalatedCommand, escalationFailure, withoutPrompt } from './escalation.js';
import { BecomeError, UnreachableError, type BecomeOptions, type Connection, type ExecOptions, type ExecResult } from './types.js';

/** Below OpenSSH's default MaxSessions (10) so parallel commands never get "open failed". */
const MAX_CHANNELS = 8;
/**
 * SSH handshakes in flight at once, over all hosts, and towards one sshd (address:port). A key exchange
 * costs both sides CPU: hundreds at once would time out on a small controller, and more than
 * MaxStartups (OpenSSH default 10:30:100) unauthenticated connections to one sshd get dropped. Sixteen
 * lets a play of ten or so hosts connect to all of them at once (with eight, the last two waited for a
 * whole handshake: 80 ms of a 1 s run on the bench's 10 hosts).
 */
const HANDSHAKES_AT_ONCE = 16;
const HANDSHAKES_PER_SSHD = 8;
const handshakeSlots = pLimit(HANDSHAKES_AT_ONCE);
const sshdSlots = new Map<string, ReturnType<typeof pLimit>>();

function pacedHandshake<T>(address: string, port: number, handshake: () => Promise<T>): Promise<T> {
  const key = `${address}:${port}`;
  let perSshd = sshdSlots.get(key);
  if (!perSshd) {
    perSshd = pLimit(HANDSHAKES_PER_SSHD);
    sshdSlots.set(key, perSshd);
  }
  const slot = perSshd;
  return slot(() => handshakeSlots(handshake)).finally(() => {
    if (slot.activeCount === 0 && slot.pendingCount === 0) sshdSlots.delete(key);
  });
}

const HANDSHAKE_ATTEMPTS = 3;

/** A handshake ran out of time (worth another try); `unreachable` is what to report if none is left. */
class HandshakeTimeout extends Error {
  constructor(readonly unreachable: UnreachableError) {
    super(unreachable.message);
  }
}

/** Without ServerAliveInterval/ServerAliveCountMax: a host silent for 45s (3 unanswered keepalives) is UNREACHABLE. */
const KEEPALIVE_INTERVAL_MS = 15_000;
const KEEPALIVE_COUNT_MAX = 3;
const RECONNECT_RETRY_MS = 500;
const CLOSE_WAIT_MS = 1_000;
const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
/** -P: $PWD is the folder's real path, as for a program started in it (Ansible's chdir). */
const CHANGE_DIRECTORY_THEN_RUN = 'cd -P -- "$1" || exit 1; shift; exec "$@"';
const PREFIX = 'Failed to connect to the host via ssh: ';

/** The shell text sent to the remote login shell for one command. */
export function commandLine(argv: readonly string[], options: ExecOptions = {}): string {
  if (argv.length === 0) throw new Error('cannot run an empty command');
  const env = options.env ?? {};
  const words = Object.keys(env).length > 0 ? ['env', ...envAssignments(env), ...argv] : [...argv];
  return quoteArgv(options.cwd ? shellScript(CHANGE_DIRECTORY_THEN_RUN, [options.cwd, ...words]) : words);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown; level?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A command killed by a signal exits as a shell reports it: 128 + the signal number. */
function signalExitCode(signal: string): number {
  const signals = constants.signals as Record<string, number | undefined>;
  const number = signals[signal.startsWith('SIG') ? signal : `SIG${signal}`];
  return number === undefined ? 255 : 128 + number;
}

/** A stream per become method, user and password: a stream opened with one password never serves a command given another (or none). */
function streamKey(become: BecomeOptions): string {
  const password = become.password === undefined ? '-' : createHash('sha256').update(become.password).digest('hex');
  return `${become.method ?? 'sudo'} ${become.user} ${password}`;
}

/** What a connection has done, for tests and the bench: counted, never timed. */
export interface ConnectionCounters {
  /** SSH handshakes (logins). */
  logins: number;
  /** Session channels opened: one per command stream, or one per command on the per-command path. */
  channels: number;
  /** Commands run. */
  commands: number;
  /** Commands run on the per-command path. */
  perCommand: number;
}

/**
 * One SSH connection to a host, opened on the first command and reused. Commands go through a
 * long-lived command stream (driver.ts) per become user: one round trip each, no new channel and
 * no program started besides the command. Parallel commands get more streams, up to MAX_CHANNELS.
 * A host (or become user) whose shell cannot run the driver gets a new channel per command.
 * Hosts behind a jump host are reached through a channel forwarded by the jump host's own
 * (shared) connection.
 */
export class SshConnection implements Connection {
  readonly host: string;
  /** The login user. */
  readonly user: string;
  readonly counters: ConnectionCounters = { logins: 0, channels: 0, commands: 0, perCommand: 0 };
  private ssh?: NodeSSH;
  private connecting?: Promise<NodeSSH>;
  private lastError?: string;
  private readonly channels = pLimit(MAX_CHANNELS);
  /** Command streams by become user and password ('' for the login user), all on the current SSH connection. */
  private streams = new Map<string, CommandStream[]>();
  private opening = 0;
  private readonly waiting: (() => void)[] = [];
  /** Become users (or '') whose shell could not run the driver. */
  private readonly perCommandOnly = new Set<string>();
  /** Set by interrupt(): no command is sent and no session opened from then on. */
  private interrupted = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly jump?: SshConnection,
  ) {
    this.host = settings.host;
    this.user = settings.user;
    if (settings.commandStream === false) this.perCommandOnly.add('*');
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const become = options.become && options.become.user !== this.user ? options.become : undefined;
    const key = become ? streamKey(become) : '';
    this.counters.commands += 1;
    const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
    const ssh = await this.open();
    if (this.interrupted) throw this.dropped('the run was interrupted');
    if (!this.perCommandOnly.has('*') && !this.perCommandOnly.has(key)) {
      const stream = await this.acquire(ssh, key, become);
      if (stream) {
        try {
          return await stream.run(streamRequest(argv, options, stream.definitions), stdin);
        } catch (error) {
          if (error instanceof StreamEnded) throw this.dropped(ssh.isConnected() ? 'the command stream ended mid-command' : undefined);
          throw error;
        } finally {
          this.release(stream);
        }
      }
    }
    return this.perCommand(ssh, argv, options, become);
  }

  /** The old way, for hosts without a driver: one channel per command, sudo or su in front of each. */
  private async perCommand(ssh: NodeSSH, argv: readonly string[], options: ExecOptions, become?: BecomeOptions): Promise<ExecResult> {
    this.counters.perCommand += 1;
    if (!become) return this.channels(() => this.run(ssh, commandLine(argv, options), options.stdin));
    const escalated = escalatedCommand(argv, options, become);
    const result = withoutPrompt(await this.channels(() => this.run(ssh, commandLine(escalated.argv, escalated.options), escalated.options.stdin)), become);
    const failure = escalationFailure(result, become, this.host);
    if (failure) throw new BecomeError(failure);
    return result;
  }

  /** An idle stream for this become user, a new one while channels are free, or the next one released. */
  private async acquire(ssh: NodeSSH, key: string, become?: BecomeOptions): Promise<CommandStream | undefined> {
    for (;;) {
      if (this.ssh !== ssh) throw this.dropped();
      const mine = (this.streams.get(key) ?? []).filter((stream) => stream.alive);
      this.streams.set(key, mine);
      const idle = mine.find((stream) => !stream.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.streamCount() + this.opening < MAX_CHANNELS) return this.start(ssh, key, become);
      const spare = [...this.streams.entries()].find(([other, list]) => other !== key && list.some((stream) => !stream.busy));
      if (spare) {
        const stream = spare[1].find((candidate) => !candidate.busy);
        stream?.close();
        continue;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(stream: CommandStream): void {
    stream.busy = false;
    this.waiting.shift()?.();
  }

  private streamCount(): number {
    let count = 0;
    for (const list of this.streams.values()) count += list.filter((stream) => stream.alive).length;
    return count;
  }

  /** Starts the driver (through sudo or su for a become user); undefined when this shell cannot run it. */
  private async start(ssh: NodeSSH, key: string, become?: BecomeOptions): Promise<CommandStream | undefined> {
    const client = ssh.connection;
    if (!client) throw this.dropped();
    const driver = driverStart();
    const launch = become ? escalate(become, (marker) => shellScript(driver.script, marker === undefined ? [] : [marker])) : { argv: shellScript(driver.script) };
    this.opening += 1;
    this.counters.channels += 1;
    let started;
    try {
      const channel = new Promise<DriverChannel>((resolve, reject) => client.exec(quoteArgv(launch.argv), (error, opened) => (error ? reject(error) : resolve(opened))));
      started = await CommandStream.open(channel, driver.definitions, launch.head);
    } catch (error) {
      if (!ssh.isConnected()) throw this.dropped(errorText(error));
      throw new UnreachableError(`${PREFIX}cannot open a session on ${this.settings.address}: ${errorText(error)}`);
    } finally {
      this.opening -= 1;
      this.waiting.shift()?.();
    }
    if (started instanceof CommandStream) {
      started.busy = true;
      this.streams.set(key, [...(this.streams.get(key) ?? []), started]);
      return started;
    }
    if (!ssh.isConnected()) throw this.dropped();
    const failure = become ? escalationFailure(started.failed, become, this.host) : undefined;
    if (failure) throw new BecomeError(failure);
    this.perCommandOnly.add(key);
    return undefined;
  }

  /** A TCP channel from this host to address:port (how hosts behind this one are reached). */
  async tunnel(address: string, port: number): Promise<Channel> {
    const ssh = await this.open().catch((error: Error) => {
      throw new UnreachableError(`${error.message} (jump host ${this.host})`);
    });
    try {
      return await ssh.forwardOut('127.0.0.1', 0, address, port);
    } catch (error) {
      throw new UnreachableError(`${PREFIX}ssh: connect to host ${address} port ${port} via jump host ${this.host}: ${errorText(error)}`);
    }
  }

  async reconnect(timeoutMs: number): Promise<void> {
    await this.close();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      try {
        await this.open(Math.max(1_000, Math.min(this.settings.connectTimeoutMs, remaining)));
        return;
      } catch (error) {
        if (!(error instanceof UnreachableError)) throw error;
        if (Date.now() + RECONNECT_RETRY_MS >= deadline) {
          throw new UnreachableError(`${error.message} (still unreachable after ${Math.round(timeoutMs / 1000)}s)`);
        }
        await delay(RECONNECT_RETRY_MS);
      }
    }
  }

  /**
   * The run was interrupted: no new command starts; requests already handed to the socket are still flushed, so a
   * command either reaches the host whole (and runs to its end there) or not at all (driver.ts refuses a cut request).
   */
  async interrupt(): Promise<void> {
    this.interrupted = true;
    await this.close();
  }

  async close(): Promise<void> {
    const ssh = this.ssh ?? (await this.connecting?.catch(() => undefined));
    this.ssh = undefined;
    for (const list of this.streams.values()) for (const stream of list) stream.close();
    this.streams = new Map();
    for (const wake of this.waiting.splice(0)) wake();
    const client = ssh?.connection;
    if (!ssh || !client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ssh.dispose();
    });
  }

  private open(timeoutMs = this.settings.connectTimeoutMs): Promise<NodeSSH> {
    if (this.interrupted) return Promise.reject(new UnreachableError(`${PREFIX}the run was interrupted before this command was sent to ${this.settings.address}`));
    if (this.ssh?.isConnected()) return Promise.resolve(this.ssh);
    this.connecting ??= this.connect(timeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /**
   * A handshake that times out is tried again (HANDSHAKE_ATTEMPTS in all): on a busy controller or
   * host, starting hundreds of sessions can outlast one timeout without anything being wrong.
   */
  private async connect(timeoutMs: number): Promise<NodeSSH> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.connectOnce(timeoutMs);
      } catch (error) {
        if (!(error instanceof HandshakeTimeout) || attempt >= HANDSHAKE_ATTEMPTS) throw error instanceof HandshakeTimeout ? error.unreachable : error;
      }
    }
  }

  private async connectOnce(timeoutMs: number): Promise<NodeSSH> {
    const { address, port, user } = this.settings;
    // node-ssh brings ssh2: loaded by the first ssh connection, never by a run that makes none.
    const [{ NodeSSH }, { default: ssh2 }] = await Promise.all([import('node-ssh'), import('ssh2')]);
    const authHandler = this.authMethods((data) => ssh2.utils.parseKey(data));
    const tunnel = this.jump ? await this.jump.tunnel(address, port) : undefined;
    const ssh = new NodeSSH();
    let refusal: string | undefined;
    let sock: Readable | undefined = tunnel;
    try {
      await pacedHandshake(address, port, () => ssh.connect({
        host: address,
        port,
        username: user,
        // Without TCP_NODELAY from the start, each small handshake packet waited for the host's delayed ACK (40 ms, twice per login).
        sock: (sock ??= netConnect({ host: address, port, noDelay: true })),
        readyTimeout: timeoutMs,
        keepaliveInterval: this.settings.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS,
        keepaliveCountMax: this.settings.keepaliveCountMax ?? KEEPALIVE_COUNT_MAX,
        authHandler,
        algorithms: {
          serverHostKey: preferredHostKeyAlgorithms(this.settings.knownHostsFiles, address, port),
          kex: [...(this.settings.kexAlgorithms ?? PREFERRED_KEX)],
        },
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(key, this.settings, this.settings.hostKeyChecking, this.settings.knownHostsFiles);
          if (!verdict.ok) refusal = verdict.reason;
          return verdict.ok;
        },
      }));
    } catch (error) {
      ssh.dispose();
      sock?.destroy();
      const unreachable = new UnreachableError(PREFIX + (refusal ?? this.describeConnectError(error)));
      if (!refusal && (error as { level?: unknown } | undefined)?.level === 'client-timeout') throw new HandshakeTimeout(unreachable);
      throw unreachable;
    }
    const client = ssh.connection;
    if (!client) throw new UnreachableError(`${PREFIX}connection to ${address} port ${port} closed right after login`);
    client.setNoDelay(true);
    client.setMaxListeners(MAX_CHANNELS + 4);
    // After login node-ssh no longer listens for errors; without a listener a reset socket would crash the process.
    client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    this.lastError = undefined;
    this.streams = new Map();
    this.counters.logins += 1;
    this.ssh = ssh;
    return ssh;
  }

  private authMethods(parse: KeyParser): AnyAuthMethod[] {
    const { user: username, privateKeyFile, password } = this.settings;
    const methods: AnyAuthMethod[] = [];
    if (privateKeyFile) {
      try {
        methods.push({ type: 'publickey', username, key: privateKey(privateKeyFile, parse) });
      } catch (error) {
        throw new UnreachableError(`${PREFIX}cannot read private key file ${privateKeyFile}: ${errorCode(error) ?? errorText(error)}`);
      }
    } else {
      if (process.env.SSH_AUTH_SOCK) methods.push({ type: 'agent', username, agent: process.env.SSH_AUTH_SOCK });
      for (const name of DEFAULT_KEY_FILES) {
        const file = join(homedir(), '.ssh', name);
        if (existsSync(file)) methods.push({ type: 'publickey', username, key: privateKey(file, parse) });
      }
    }
    if (password !== undefined) {
      methods.push({ type: 'password', username, password });
      methods.push({ type: 'keyboard-interactive', username, prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)) });
    }
    return methods;
  }

  private describeConnectError(error: unknown): string {
    const { address, port, user, privateKeyFile, password } = this.settings;
    const where = `ssh: connect to host ${address} port ${port}`;
    const level = (error as { level?: unknown } | undefined)?.level;
    switch (errorCode(error)) {
      case 'ECONNREFUSED':
        return `${where}: Connection refused`;
      case 'ETIMEDOUT':
        return `${where}: Connection timed out`;
      case 'EHOSTUNREACH':
        return `${where}: No route to host`;
      case 'ENETUNREACH':
        return `${where}: Network is unreachable`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `ssh: Could not resolve hostname ${address}: Name or service not known`;
    }
    if (level === 'client-timeout') return `${where}: Connection timed out during the handshake`;
    if (level === 'client-authentication') {
      const tried = [
        privateKeyFile ? `key ${privateKeyFile}` : 'the SSH agent and ~/.ssh/id_* keys',
        ...(password !== undefined ? ['password'] : []),
      ].join(', ');
      return `${user}@${address}: Permission denied (tried ${tried}).`;
    }
    return `${where}: ${errorText(error)}`;
  }

  private dropped(detail?: string): UnreachableError {
    const reason = detail ?? this.lastError;
    return new UnreachableError(`${PREFIX}Shared connection to ${this.settings.address} closed${reason ? ` (${reason})` : ''}.`);
  }

  private async run(ssh: NodeSSH, command: string, stdin?: string | Buffer): Promise<ExecResult> {
    this.counters.channels += 1;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let response;
    try {
      response = await ssh.execCommand(command, {
        stdin: Buffer.isBuffer(stdin) ? Readable.from([stdin]) : stdin,
        noTrim: true,
        onStdout: (chunk) => stdout.push(chunk),
        onStderr: (chunk) => stderr.push(chunk),
      });
    } catch (error) {
      if (!ssh.isConnected()) throw this.dropped(errorText(error));
      throw new UnreachableError(`${PREFIX}cannot open a session on ${this.settings.address}: ${errorText(error)}`);
    }
    if (response.code === null && response.signal === null) throw this.dropped();
    return {
      rc: response.code ?? signalExitCode(response.signal ?? ''),
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  }
}
