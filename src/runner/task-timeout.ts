import type { Connection } from '../connection/types.js';
import type { ModuleResult } from '../modules/contract.js';

/** What a task that ran past its `timeout` returns: ansible-core 2.14's result and message (TaskExecutor). */
export function timedOutResult(action: string, seconds: number): ModuleResult {
  return { failed: true, msg: `The ${action} action failed to execute in the expected time frame (${seconds}) and was terminated`, changed: false };
}

/**
 * A keyword of seconds (`timeout`: task, block or play, ansible.cfg task_timeout; `async`, `poll`) as a whole number,
 * 0 for none. Throws Ansible's message for a value that is not one.
 */
export function wholeSeconds(value: unknown, field = 'timeout'): number {
  if (value === undefined || value === null || value === '') return 0;
  const seconds = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(seconds)) {
    throw new Error(`the field '${field}' has an invalid value (${String(value)}), and could not be converted to an int.The error was: invalid literal for int() with base 10: '${String(value)}'`);
  }
  return Math.max(0, seconds);
}

/** A connection that starts no command once its task's time is up. */
export interface StoppableConnection {
  connection: Connection;
  stop(): void;
}

/**
 * Ansible interrupts the worker of a task past its time limit, so the module sends nothing more to the host: here
 * the module is left to itself, and its next command fails instead of reaching the host. A command already started
 * on the host runs to its end (it keeps its command stream; the host's next task gets another).
 */
export function stoppable(connection: Connection, action: string): StoppableConnection {
  let stopped = false;
  return {
    connection: {
      host: connection.host,
      exec: (argv, options) => (stopped ? Promise.reject(new Error(`the ${action} action was terminated`)) : connection.exec(argv, options)),
      reconnect: (timeoutMs) => (stopped ? Promise.reject(new Error(`the ${action} action was terminated`)) : connection.reconnect(timeoutMs)),
      close: () => connection.close(),
    },
    stop: () => {
      stopped = true;
    },
  };
}

/** The module's run, or undefined when it takes longer than `seconds` (its later end, or failure, is ignored). */
export async function withinTime<T>(running: Promise<T>, seconds: number, onTimeout: () => void): Promise<T | undefined> {
  if (seconds <= 0) return running;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve(undefined);
    }, seconds * 1000);
  });
  running.catch(() => undefined);
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}
