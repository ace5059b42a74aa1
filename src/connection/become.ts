import { userInfo } from 'node:os';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import { BecomeError, type BecomeOptions, type Connection, type ExecOptions, type ExecResult } from './types.js';

export { BecomeError, type BecomeOptions };

/** Asks the connection underneath to run every command as another user. */
class BecomeConnection implements Connection {
  readonly host: string;

  constructor(
    private readonly inner: Connection,
    private readonly become: BecomeOptions,
  ) {
    this.host = inner.host;
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.inner.exec(argv, { ...options, become: this.become });
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
  return loginUser(conn) === become.user ? conn : new BecomeConnection(conn, become);
}
