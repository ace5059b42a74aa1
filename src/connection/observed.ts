import type { Connection, ExecOptions, ExecResult } from './types.js';

export interface CommandRecord {
  host: string;
  argv: readonly string[];
  rc: number;
  durationMs: number;
}

class ObservedConnection implements Connection {
  constructor(private readonly inner: Connection, private readonly onCommand: (record: CommandRecord) => void) {}

  get host(): string {
    return this.inner.host;
  }

  async exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const result = await this.inner.exec(argv, options);
    this.onCommand({ host: this.inner.host, argv, rc: result.rc, durationMs: Math.round((performance.now() - started) * 10) / 10 });
    return result;
  }

  reconnect(timeoutMs: number) {
    return this.inner.reconnect(timeoutMs);
  }

  close() {
    return this.inner.close();
  }
}

/** A connection that reports every command it runs (for the run's log), after it ran. */
export function observed(connection: Connection, onCommand: (record: CommandRecord) => void): Connection {
  return new ObservedConnection(connection, onCommand);
}
