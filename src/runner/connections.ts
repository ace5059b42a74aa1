import { settingsFromVars, type ConnectionSettings } from '../connection/settings.js';
import { withBecome } from '../connection/become.js';
import type { Connection, ExecOptions } from '../connection/types.js';
import type { Templar } from '../template/templar.js';
import type { RunContext } from './state.js';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

function connectionVars(vars: Record<string, unknown>, templar: Templar): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(vars)) {
    if (key.startsWith('ansible_') || key.startsWith('betif_')) {
      if (key === 'ansible_facts' || key.startsWith('ansible_play') || key === 'ansible_version') continue;
      out[key] = value;
    }
  }
  for (const key of Object.keys(out)) out[key] = templar.render(out[key]);
  return out;
}

export interface BecomeWish {
  become: boolean;
  becomeUser?: string;
}

/** Connection settings of a host (or of a delegate), from its variables and the command line. */
export function settingsFor(run: RunContext, host: string, vars: Record<string, unknown>, templar: Templar, become: BecomeWish): ConnectionSettings {
  const resolveJump = (nameOrAddress: string): ConnectionSettings => {
    const known = run.hosts.get(nameOrAddress)?.inventoryVars ?? (run.inventory.hostNames().includes(nameOrAddress) ? run.inventory.hostVars(nameOrAddress) : undefined);
    const jumpVars = known ?? { ansible_host: nameOrAddress, ansible_user: vars.ansible_user, ansible_ssh_private_key_file: vars.ansible_ssh_private_key_file };
    return settingsFor(run, nameOrAddress, jumpVars, templar, { become: false });
  };
  const own = connectionVars(vars, templar);
  if (!run.inventory.hostNames().includes(host) && LOCAL_NAMES.has(host) && own.ansible_connection === undefined) own.ansible_connection = 'local';
  return settingsFromVars(host, own, resolveJump, {
    user: run.options.user,
    hostKeyChecking: run.options.hostKeyChecking,
    knownHostsFiles: run.options.knownHostsFiles,
    become: become.become,
    becomeUser: become.becomeUser,
  });
}

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

/** The pooled connection for these settings, with become and the task's environment applied. */
export function connectionFor(run: RunContext, settings: ConnectionSettings, environment: Record<string, string>): Connection {
  let connection = run.pool.get(settings);
  if (settings.become) connection = withBecome(connection, settings.become);
  if (Object.keys(environment).length > 0) connection = new EnvironmentConnection(connection, environment);
  return connection;
}
