import type { ConnectionSettings } from '../../../connection/settings.js';
import { ModuleFailure } from '../../contract.js';

/** The ssh_config alias rsync's ssh reaches the task's host by. */
export const TARGET_ALIAS = 'betif-target';

export interface SshConfigOptions {
  /** dest_port, over the host's own port. */
  port?: number;
  /** private_key, over the host's own key. */
  privateKey?: string;
  /** verify_host: always check the host key, whatever the host's settings say. */
  verifyHost: boolean;
  /** ssh_connection_multiplexing: leave ControlPath to the user's ssh config. */
  multiplexing: boolean;
  /** set_remote_user: log in as the host's user (false: ssh's own default user). */
  user: boolean;
}

/** A value of an ssh_config option: double-quoted, with % doubled (ssh expands % tokens in paths and HostName). */
function value(text: string): string {
  if (/["\r\n]/.test(text)) throw new ModuleFailure(`synchronize: cannot pass ${JSON.stringify(text)} to ssh (a double quote or line break)`);
  return `"${text.replace(/%/g, '%%')}"`;
}

function hostBlock(alias: string, settings: ConnectionSettings, options: SshConfigOptions, jumpAlias: string | undefined): string[] {
  const key = options.privateKey ?? settings.privateKeyFile;
  const checking = options.verifyHost ? 'strict' : settings.hostKeyChecking;
  const lines = [
    `Host ${alias}`,
    `  HostName ${value(settings.address)}`,
    `  Port ${options.port ?? settings.port}`,
    '  BatchMode yes',
    `  ConnectTimeout ${Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000))}`,
  ];
  if (options.user) lines.push(`  User ${value(settings.user)}`);
  if (key !== undefined) lines.push(`  IdentityFile ${value(key)}`, '  IdentitiesOnly yes');
  if (checking === 'off') lines.push('  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null');
  else {
    lines.push(`  StrictHostKeyChecking ${checking === 'strict' ? 'yes' : 'accept-new'}`);
    if (settings.knownHostsFiles.length > 0) lines.push(`  UserKnownHostsFile ${settings.knownHostsFiles.map(value).join(' ')}`);
  }
  if (!options.multiplexing) lines.push('  ControlPath none');
  if (jumpAlias !== undefined) lines.push(`  ProxyJump ${jumpAlias}`);
  return lines;
}

/**
 * An ssh_config that reaches the host as betif-play's own connection does (address, port, user, key, host key
 * checking and known_hosts files, jump hosts each with their own settings), so that rsync's ssh needs no options
 * on its command line. A host reached by password only is refused: the password would have to go to ssh.
 */
export function sshConfigFor(settings: ConnectionSettings, options: SshConfigOptions): string {
  const blocks: string[][] = [];
  const jumpAliasOf = (hop: ConnectionSettings | undefined, depth: number): string | undefined => {
    if (hop === undefined) return undefined;
    const alias = `betif-jump-${depth}`;
    const next = jumpAliasOf(hop.jump, depth + 1);
    refusePasswordOnly(hop, undefined);
    blocks.push(hostBlock(alias, hop, { verifyHost: options.verifyHost, multiplexing: options.multiplexing, user: true }, next));
    return alias;
  };
  refusePasswordOnly(settings, options.privateKey);
  blocks.push(hostBlock(TARGET_ALIAS, settings, options, jumpAliasOf(settings.jump, 0)));
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function refusePasswordOnly(settings: ConnectionSettings, privateKey: string | undefined): void {
  if (settings.password === undefined || privateKey !== undefined || settings.privateKeyFile !== undefined) return;
  throw new ModuleFailure(
    `synchronize: ${settings.host} is reached with a password, and betif-play never hands a password to rsync's ssh `
    + '(Ansible needs sshpass for it): give the host a key (ansible_ssh_private_key_file) or pass private_key',
  );
}
