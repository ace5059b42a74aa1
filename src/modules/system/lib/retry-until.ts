import { setTimeout as sleep } from 'node:timers/promises';
import { UnreachableError, type Connection } from '../../../connection/types.js';

/** The host answered, but is not there yet (same boot id, test command failing): try again later. */
export class NotYet extends Error {}

/** Ran out of time; the message is Ansible's. */
export class TimedOut extends Error {}

/** A session that hangs on a rebooting host counts as unreachable instead of stalling the wait. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  const cancel = new AbortController();
  const expiry = sleep(ms, undefined, { signal: cancel.signal }).then(() => {
    throw new UnreachableError(`no answer within ${ms} ms`);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    cancel.abort();
  }
}

export interface RetryOptions {
  timeoutSeconds: number;
  /** How long one reconnection may take; defaults to the time left. */
  connectTimeoutSeconds?: number;
  /** Used in the timeout message, e.g. "last boot time check". */
  description: string;
}

/**
 * Runs `attempt` until it resolves, reconnecting when the host is unreachable, with Ansible's backoff
 * (1, 2, 4 ... up to 12 seconds, plus jitter). Throws TimedOut with Ansible's message when time runs out.
 */
export async function retryUntil<T>(connection: Connection, options: RetryOptions, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const timeLeft = (): number => Math.max(deadline - Date.now(), 0);
  for (let failures = 0; ; failures += 1) {
    try {
      return await within(attempt(), Math.max(timeLeft(), 1));
    } catch (error) {
      if (error instanceof UnreachableError) {
        const connectMs = Math.min(timeLeft(), (options.connectTimeoutSeconds ?? Infinity) * 1000);
        // Still down when this fails: the next round tries again, until the deadline.
        await connection.reconnect(Math.max(connectMs, 1)).catch(() => undefined);
      } else if (!(error instanceof NotYet)) {
        throw error;
      }
    }
    if (timeLeft() === 0) throw new TimedOut(`Timed out waiting for ${options.description} (timeout=${options.timeoutSeconds})`);
    const backoff = Math.min(2 ** failures, 12) * 1000 + Math.random() * 1000;
    await sleep(Math.min(backoff, timeLeft()));
  }
}
