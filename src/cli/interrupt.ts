import type { ConnectionPool } from '../connection/pool.js';
import type { Reporter } from '../runner/events.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Whether the run was stopped by a signal, and when its connections are closed. */
export interface Interruption {
  readonly signalled: boolean;
  /** Settles once every connection is closed after the first signal. */
  readonly closed: Promise<void>;
}

/**
 * SIGINT, SIGTERM and SIGHUP stop the run as Ctrl-C stops ansible-playbook ("User interrupted execution", exit
 * `exitCode`): no new command is sent, requests already sent finish whole on their hosts, the connections close and
 * the process exits. A second signal exits at once.
 */
export function exitOnInterrupt(pool: ConnectionPool, exitCode: number): Interruption {
  let signalled = false;
  let closed: Promise<void> = new Promise(() => {});
  const onSignal = (): void => {
    if (signalled) process.exit(exitCode);
    signalled = true;
    process.stderr.write('\n[ERROR]: User interrupted execution\n');
    closed = pool.interrupt().catch(() => undefined);
    void closed.then(() => process.exit(exitCode));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    get signalled() {
      return signalled;
    },
    get closed() {
      return closed;
    },
  };
}

/** The reporter, silent once the run is interrupted: hosts cut off by the interruption are not reported UNREACHABLE. */
export function silencedOnInterrupt(reporter: Reporter, interruption: Interruption): Reporter {
  return new Proxy(reporter, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (interruption.signalled ? undefined : (value as (...args: unknown[]) => unknown).apply(target, args));
    },
  });
}
