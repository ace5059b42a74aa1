import { setTimeout as sleep } from 'node:timers/promises';
import { UnreachableError, type Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { within } from './lib/retry-until.js';

interface WaitForConnectionArgs {
  connect_timeout: number;
  delay: number;
  sleep: number;
  timeout: number;
}

/**
 * Tries a command on the host every `sleep` seconds, reconnecting while it is unreachable, until one runs or
 * `timeout` seconds have passed (counted after the delay, as Ansible's action counts them).
 */
async function waitForConnection(connection: Connection, args: WaitForConnectionArgs): Promise<number> {
  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  await sleep(args.delay * 1000);
  const deadline = Date.now() + args.timeout * 1000;
  const timeLeft = (): number => Math.max(deadline - Date.now(), 1);
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const { rc, stdout, stderr } = await within(connection.exec(['true']), timeLeft());
      if (rc === 0) return elapsed();
      lastError = `ping test failed: ${`${stderr} ${stdout}`.trim()}`;
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      lastError = error.message;
      await connection.reconnect(Math.min(args.connect_timeout * 1000, timeLeft())).catch(() => undefined);
    }
    await sleep(Math.min(args.sleep * 1000, timeLeft()));
  }
  throw new ModuleFailure(`timed out waiting for ping module test: ${lastError}`, { elapsed: elapsed() });
}

const SECONDS = { type: 'integer', minimum: 0 } as const;

/** The seconds until the host answered; undefined in check mode, where nothing is tried. */
export default defineModule<WaitForConnectionArgs, number | undefined>({
  name: 'wait_for_connection',
  noAsync: true,
  examples: `
- name: Wait for the new VMs to answer over SSH
  ansible.builtin.wait_for_connection:
    timeout: 300
`,
  returns: {
    elapsed: { type: 'int', returned: 'always', description: 'The seconds it took until the host answered.' },
  },
  schema: {
    description: 'Waits until the host can be reached and runs a command (a VM booting, a host coming back); skipped in check mode.',
    type: 'object',
    additionalProperties: false,
    properties: {
      connect_timeout: { ...SECONDS, default: 5, description: 'The seconds each connection try may take.' },
      delay: { ...SECONDS, default: 0, description: 'The seconds to wait before the first try.' },
      sleep: { ...SECONDS, default: 1, description: 'The seconds between two tries.' },
      timeout: { ...SECONDS, default: 600, description: 'The seconds to keep trying (after the delay) before the task fails.' },
    },
  },

  // As Ansible's action: nothing is tried in check mode.
  read: (ctx, args) => (ctx.check ? Promise.resolve(undefined) : waitForConnection(ctx.connection, args)),

  plan(_args, elapsed) {
    if (elapsed === undefined) return { changed: false, skip: 'check mode' };
    return { changed: false, result: { elapsed } };
  },
});
