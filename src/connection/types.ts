/** Run the command as another user through sudo (the default) or su. */
export interface BecomeOptions {
  user: string;
  password?: string;
  method?: 'sudo' | 'su';
}

export interface ExecOptions {
  /** Bytes or text written to the command's standard input, then closed. */
  stdin?: string | Buffer;
  /** Working directory on the target. */
  cwd?: string;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /** Run as this user (through sudo or su) instead of the login user. */
  become?: BecomeOptions;
  /**
   * The command prints lines of text only (no NUL bytes; trailing empty lines mean nothing): a command stream may
   * collect its output on the host and send it at once (driver.ts).
   */
  linesOnly?: boolean;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** A way to run commands on one target host. Commands are argument arrays, never shell text. */
export interface Connection {
  readonly host: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Drop the current session and open a new one, retrying until timeoutMs (used after a reboot). */
  reconnect(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The host could not be reached or the session broke: the runner reports the host UNREACHABLE. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** sudo itself refused to run the command (missing or wrong password, not in sudoers, not installed). */
export class BecomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BecomeError';
  }
}
