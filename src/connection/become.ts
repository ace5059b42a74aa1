import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { LocalConnection } from './local.js';
import { shellScript } from './quote.js';
import { envAssignments, SshConnection } from './ssh.js';
import type { Connection, ExecOptions, ExecResult } from './types.js';

export interface BecomeOptions {
  user: string;
  password?: string;
}

/** sudo itself refused to run the command (missing or wrong password, not in sudoers, not installed). */
export class BecomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BecomeError';
  }
}

/**
 * sudo -S reads the password line only when it needs one. The stream carries a marker line
 * after the password; this reads up to the marker so the command sees exactly its own stdin,
 * whether or not sudo consumed the password (NOPASSWD rules, cached credentials).
 */
const SKIP_TO_MARKER = 'IFS= read -r line; [ "$line" = "$1" ] || IFS= read -r line; shift; exec "$@"';

function sudoFailure(result: ExecResult, user: string, host: string): string | undefined {
  const text = result.stderr;
  if (result.rc === 127 && /sudo: (command )?not found/.test(text)) return `sudo is not installed on ${host}`;
  if (result.rc !== 1 || !/^sudo: |^Sorry, try again\./m.test(text)) return undefined;
  if (/incorrect password attempt|Sorry, try again/.test(text)) return 'Incorrect sudo password';
  if (/a password is required|no password was provided/.test(text)) return 'Missing sudo password';
  const refusal = /^sudo: (.*(?:not in the sudoers file|is not allowed to|unknown user).*)$/m.exec(text);
  return refusal ? `sudo refused to run the command as ${user} on ${host}: ${refusal[1]}` : undefined;
}

class SudoConnection implements Connection {
  readonly host: string;

  constructor(
    private readonly inner: Connection,
    private readonly become: BecomeOptions,
  ) {
    this.host = inner.host;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { user, password } = this.become;
    // sudo resets the environment, so variables are set by `env` on the far side of it.
    const command = options.env && Object.keys(options.env).length > 0 ? ['env', ...envAssignments(options.env), ...argv] : [...argv];
    const passOn: ExecOptions = { cwd: options.cwd, stdin: options.stdin };
    let result: ExecResult;
    if (password === undefined) {
      result = await this.inner.exec(['sudo', '-n', '-u', user, '--', ...command], passOn);
    } else {
      const marker = randomBytes(12).toString('hex');
      const head = Buffer.from(`${password}\n${marker}\n`);
      const stdin = Buffer.concat([head, Buffer.from(options.stdin ?? '')]);
      result = await this.inner.exec(['sudo', '-S', '-p', '', '-u', user, '--', ...shellScript(SKIP_TO_MARKER, [marker, ...command])], { ...passOn, stdin });
    }
    const failure = sudoFailure(result, user, this.host);
    if (failure) throw new BecomeError(failure);
    return result;
  }

  reconnect(timeoutMs: number): Promise<void> {
    return this.inner.reconnect(timeoutMs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function loginUser(conn: Connection): string | undefined {
  if (conn instanceof SshConnection) return conn.user;
  if (conn instanceof LocalConnection) return userInfo().username;
  return undefined;
}

/** Runs every command as another user through sudo; a no-op when the login user already is that user. */
export function withBecome(conn: Connection, become: BecomeOptions): Connection {
  return loginUser(conn) === become.user ? conn : new SudoConnection(conn, become);
}
