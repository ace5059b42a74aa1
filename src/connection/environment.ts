import type { Connection, ExecOptions } from './types.js';

class EnvironmentConnection implements Connection {
  constructor(private readonly inner: Connection, private readonly environment: Record<string, string>) {}

  get host(): string {
    return this.inner.host;
  }

  exec(argv: readonly string[], options: ExecOptions = {}) {
    return this.inner.exec(argv, { ...options, env: { ...this.environment, ...options.env } });
  }

  reconnect(timeoutMs: number) {
    return this.inner.reconnect(timeoutMs);
  }

  close() {
    return this.inner.close();
  }
}

/** A connection whose every command also gets these environment variables (a task's `environment:`). */
export function withEnvironment(connection: Connection, environment: Record<string, string>): Connection {
  return Object.keys(environment).length === 0 ? connection : new EnvironmentConnection(connection, environment);
}
