import { settingsFromVars, type ConnectionSettings } from '../connection/settings.js';
import { withBecome } from '../connection/become.js';
import { withEnvironment } from '../connection/environment.js';
import { observed, type CommandRecord } from '../connection/observed.js';
import { UnreachableError, type Connection } from '../connection/types.js';
import type { Templar } from '../template/templar.js';
import { filledInByPlayContext } from './play-context-vars.js';
import type { RunContext } from './state.js';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

function connectionVars(vars: Record<string, unknown>, templar: Templar): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(vars)) {
    if (key.startsWith('ansible_') || key.startsWith('betif_')) {
      if (key === 'ansible_facts' || key.startsWith('ansible_play') || key === 'ansible_version' || filledInByPlayContext(vars, key)) continue;
      out[key] = vars[key];
    }
  }
  for (const key of Object.keys(out)) out[key] = templar.render(out[key]);
  return out;
}

export interface BecomeWish {
  become: boolean;
  becomeUser?: string;
  becomeMethod?: string;
}

/** A local name that no inventory lists: Ansible's implicit localhost (at 127.0.0.1, on a local connection). */
export function isImplicitLocalhost(run: RunContext, host: string): boolean {
  return !run.inventory.hostNames().includes(host) && LOCAL_NAMES.has(host);
}

/**
 * The connection a task uses on a host (or a delegate), as Ansible resolves it: the host's ansible_connection (an
 * implicit localhost's is local), then the `connection` keyword, then -c and ansible.cfg's transport.
 */
export function connectionName(run: RunContext, host: string, ownConnection: unknown, connectionKeyword?: string): string {
  if (ownConnection !== undefined && ownConnection !== null && ownConnection !== '') return String(ownConnection);
  if (isImplicitLocalhost(run, host)) return 'local';
  return connectionKeyword ?? run.options.connectionDefaults.connection ?? 'ssh';
}

/** The variables a task reaches its target with: the host's, or a delegate's own (never the original host's). */
export function targetVars(run: RunContext, vars: Record<string, unknown>, delegate: string | undefined): Record<string, unknown> {
  if (delegate === undefined) return vars;
  return { ...(run.inventory.hostNames().includes(delegate) ? run.inventory.hostVars(delegate) : { ansible_host: delegate }), ...run.options.extraVars };
}

/**
 * Connection settings of a host (or of a delegate), from its variables and the command line. The `connection`
 * keyword (task, block, role or play) stands between the two, as in Ansible: ansible_connection (an implicit
 * localhost's included) beats it, and it beats -c and ansible.cfg's transport.
 */
/** The play, block and task keywords that say how to connect: `connection`, `remote_user` and `port`, rendered. */
export interface ConnectionKeywords {
  connection?: string;
  remoteUser?: string;
  port?: string;
}

export function settingsFor(run: RunContext, host: string, vars: Record<string, unknown>, templar: Templar, become: BecomeWish, keywords: ConnectionKeywords = {}): ConnectionSettings {
  const resolveJump = (nameOrAddress: string): ConnectionSettings => {
    const known = run.hosts.get(nameOrAddress)?.inventoryVars ?? (run.inventory.hostNames().includes(nameOrAddress) ? run.inventory.hostVars(nameOrAddress) : undefined);
    const jumpVars = known ?? { ansible_host: nameOrAddress, ansible_user: vars.ansible_user, ansible_ssh_private_key_file: vars.ansible_ssh_private_key_file };
    return settingsFor(run, nameOrAddress, jumpVars, templar, { become: false });
  };
  const own = connectionVars(vars, templar);
  own.ansible_connection = connectionName(run, host, own.ansible_connection, keywords.connection);
  try {
    const settings = settingsFromVars(host, own, resolveJump, {
      // The remote_user keyword stands between the host's ansible_user and -u, as in Ansible; `port` likewise.
      user: keywords.remoteUser ?? run.options.user,
      hostKeyChecking: run.options.hostKeyChecking,
      knownHostsFiles: run.options.knownHostsFiles,
      become: become.become,
      becomeUser: become.becomeUser,
      ...run.options.connectionDefaults,
      becomeMethod: become.becomeMethod ?? run.options.connectionDefaults.becomeMethod,
      port: keywords.port ?? run.options.connectionDefaults.port,
    });
    // Passwords never reach the output or the log, even inside a module's result or a failing command's text.
    run.secrets.add([settings.password, settings.become?.password]);
    return settings;
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    // Connection variables that make no sense (a bad port, an unknown connection type) leave the host unreachable.
    throw new UnreachableError((error as Error).message);
  }
}

/** Ansible's names of the connection and become passwords. */
const PASSWORD_VARS = ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass'];

/**
 * Every password the inventory and -e give, masked from the start: a debug of a host's hostvars shows it even when
 * that host is never connected to. Templated ones are masked once rendered (settingsFor), or as vault values.
 */
export function registerPasswords(run: Pick<RunContext, 'inventory' | 'options' | 'secrets'>): void {
  const sources = [...run.inventory.hostNames().map((host) => run.inventory.hostVars(host)), run.options.extraVars];
  for (const vars of sources) {
    for (const name of PASSWORD_VARS) {
      const value = vars[name];
      if (typeof value === 'string' && !value.includes('{{')) run.secrets.add(value);
    }
  }
}

/** The pooled connection for these settings, with become and the task's environment applied, its commands logged. */
export function connectionFor(run: RunContext, settings: ConnectionSettings, environment: Record<string, string>, log: (record: CommandRecord) => void): Connection {
  const connection = observed(run.pool.get(settings), log);
  return withEnvironment(settings.become ? withBecome(connection, settings.become) : connection, environment);
}
