import { setTimeout as sleep } from 'node:timers/promises';
import { shellScript } from '../../connection/quote.js';
import { UnreachableError, type Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { NotYet, retryUntil, TimedOut } from './lib/retry-until.js';
import { splitCommandLine } from '../shared/split-command.js';

interface RebootArgs {
  reboot_timeout: number;
  connect_timeout?: number;
  pre_reboot_delay: number;
  post_reboot_delay: number;
  test_command: string;
  msg: string;
  reboot_command?: string;
  boot_time_command: string;
  search_paths: string[];
}

/** $1: extra directories for PATH (shutdown lives in sbin, often missing from a login PATH); then the command. */
const WITH_SEARCH_PATHS = 'PATH="$PATH:$1"; export PATH; shift; exec "$@"';

async function readBootId(connection: Connection, bootTimeArgv: string[]): Promise<string> {
  const { rc, stdout, stderr } = await connection.exec(bootTimeArgv);
  if (rc !== 0) throw new ModuleFailure(`reboot: failed to get host boot time info, rc: ${rc}, stdout: ${stdout}, stderr: ${stderr}`, { rebooted: false });
  return stdout.trim();
}

/** Ansible's default: shutdown's delay is in whole minutes. */
function rebootArgv(args: RebootArgs): string[] {
  if (args.reboot_command !== undefined) return splitCommandLine(args.reboot_command);
  const minutes = Math.floor(args.pre_reboot_delay / 60);
  return ['shutdown', '-r', minutes > 0 ? `+${minutes}` : 'now', args.msg];
}

async function reboot(connection: Connection, args: RebootArgs, previousBootId: string): Promise<ModuleResult> {
  const bootTimeArgv = splitCommandLine(args.boot_time_command);
  const testArgv = splitCommandLine(args.test_command);
  const issued = await connection.exec(shellScript(WITH_SEARCH_PATHS, [args.search_paths.join(':'), ...rebootArgv(args)])).catch((error: unknown) => {
    // The host going down under the command is the reboot happening.
    if (error instanceof UnreachableError) return undefined;
    throw error;
  });
  if (issued && issued.rc !== 0) {
    throw new ModuleFailure(`Reboot command failed. Error was: '${issued.stdout.trim()}, ${issued.stderr.trim()}'`, { rebooted: false, elapsed: 0 });
  }
  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  await sleep(args.post_reboot_delay * 1000);
  const wait = { timeoutSeconds: args.reboot_timeout, connectTimeoutSeconds: args.connect_timeout };
  try {
    await retryUntil(connection, { ...wait, description: 'last boot time check' }, async () => {
      const bootId = await readBootId(connection, bootTimeArgv).catch((error: unknown) => {
        throw error instanceof ModuleFailure ? new NotYet(error.message) : error;
      });
      if (bootId === '' || bootId === previousBootId) throw new NotYet('boot time has not changed');
    });
    await retryUntil(connection, { ...wait, description: 'post-reboot test command' }, async () => {
      const { rc, stdout, stderr } = await connection.exec(testArgv);
      if (rc !== 0) throw new NotYet(`Test command failed: ${stderr} ${stdout}`);
    });
  } catch (error) {
    if (error instanceof TimedOut) throw new ModuleFailure(error.message, { rebooted: true, elapsed: elapsed() });
    throw error;
  }
  return { changed: true, rebooted: true, elapsed: elapsed() };
}

export default defineModule<RebootArgs, string | undefined>({
  name: 'reboot',
  examples: `
- name: Reboot after a kernel update
  ansible.builtin.reboot:
    msg: Kernel update
    reboot_timeout: 900
`,
  returns: {
    rebooted: { type: 'bool', returned: 'always', description: 'Whether the host was rebooted.' },
    elapsed: { type: 'int', returned: 'always', description: 'Seconds from the reboot until the host was back.' },
  },
  schema: {
    description: 'Reboots the host, waits for it to go down and come back, and checks it works.',
    type: 'object',
    properties: {
      reboot_timeout: { type: 'integer', minimum: 1, default: 600, description: 'The most seconds to wait for the host to come back and pass test_command.' },
      connect_timeout: { type: 'integer', minimum: 1, description: 'The seconds each connection try may take.' },
      pre_reboot_delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait before rebooting (given to shutdown, in whole minutes on Linux).' },
      post_reboot_delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait after the host is back before testing it.' },
      test_command: { type: 'string', minLength: 1, default: 'whoami', description: 'The command that must succeed on the host once it is back.' },
      msg: { type: 'string', default: 'Reboot initiated by betif-play', description: 'The message shown to logged-in users before the reboot.' },
      reboot_command: { type: 'string', minLength: 1, description: 'The command that reboots the host (with its arguments).' },
      boot_time_command: { type: 'string', minLength: 1, default: 'cat /proc/sys/kernel/random/boot_id', description: 'The command whose output changes when the host has rebooted.' },
      search_paths: { type: 'array', items: { type: 'string' }, default: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'], description: 'Where the shutdown command is looked for.' },
    },
    additionalProperties: false,
  },

  /** In check mode nothing is read or done, as in Ansible. */
  async read(ctx, args) {
    return ctx.check ? undefined : readBootId(ctx.connection, splitCommandLine(args.boot_time_command));
  },

  plan(args, bootId, ctx) {
    return {
      changed: true,
      result: { rebooted: true, elapsed: 0 },
      apply: () => reboot(ctx.connection, args, bootId ?? ''),
    };
  },
});
