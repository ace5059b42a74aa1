import { LocalConnection } from './local.js';
import type { ConnectionSettings } from './settings.js';
import { SshConnection } from './ssh.js';
import type { Connection } from './types.js';

function endpointKey(settings: ConnectionSettings): string {
  const via = settings.jump ? ` via ${endpointKey(settings.jump)}` : '';
  return `${settings.kind}:${settings.host}:${settings.user}@${settings.address}:${settings.port}${via}`;
}

/** One connection per host for the whole run, opened on first use; jump hosts are shared too. */
export class ConnectionPool {
  private readonly sshConnections = new Map<string, SshConnection>();
  private readonly localConnections = new Map<string, LocalConnection>();

  /** The host's connection as its login user (wrap it with withBecome for settings.become). */
  get(settings: ConnectionSettings): Connection {
    return settings.kind === 'local' ? this.local(settings) : this.ssh(settings);
  }

  /**
   * Closes every connection, hosts before the jump hosts they are reached through: those a jump host carries at
   * once, then the jump hosts (each waits for its host's goodbye, so one at a time would add up the waits).
   */
  async closeAll(): Promise<void> {
    const byDepth = new Map<number, SshConnection[]>();
    for (const [key, connection] of this.sshConnections) {
      const depth = key.split(' via ').length;
      byDepth.set(depth, [...(byDepth.get(depth) ?? []), connection]);
    }
    this.sshConnections.clear();
    this.localConnections.clear();
    for (const [, level] of [...byDepth].sort(([a], [b]) => b - a)) await Promise.all(level.map((connection) => connection.close()));
  }

  /**
   * meta: reset_connection: the host's SSH connections close, the next command opens a new one (a jump host still
   * carrying other hosts stays open).
   */
  async reset(host: string): Promise<void> {
    const keys = [...this.sshConnections.keys()];
    for (const key of keys) {
      const carriesOthers = keys.some((other) => other.endsWith(` via ${key}`));
      const connection = this.sshConnections.get(key);
      if (!connection || !key.startsWith(`ssh:${host}:`) || carriesOthers) continue;
      this.sshConnections.delete(key);
      await connection.close();
    }
  }

  /** The run was interrupted: every SSH connection stops sending commands and closes (see SshConnection.interrupt). */
  async interrupt(): Promise<void> {
    const connections = [...this.sshConnections.values()].reverse();
    await Promise.all(connections.map((connection) => connection.interrupt()));
  }

  private local(settings: ConnectionSettings): LocalConnection {
    const key = endpointKey(settings);
    let connection = this.localConnections.get(key);
    if (!connection) {
      connection = new LocalConnection(settings.host);
      this.localConnections.set(key, connection);
    }
    return connection;
  }

  private ssh(settings: ConnectionSettings): SshConnection {
    const key = endpointKey(settings);
    let connection = this.sshConnections.get(key);
    if (!connection) {
      if (settings.jump?.kind === 'local') throw new Error(`host ${settings.host}: a jump host must be reached over ssh, not locally`);
      const jump = settings.jump ? this.ssh(settings.jump) : undefined;
      connection = new SshConnection(settings, jump);
      this.sshConnections.set(key, connection);
    }
    return connection;
  }
}
