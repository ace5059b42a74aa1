import { shellScript } from '../../../connection/quote.js';
import type { Connection } from '../../../connection/types.js';
import type { HostProbe } from '../../shared/probe.js';

/** Prints `user` and/or `group` for each numeric id given that the host has no entry for. */
const UNKNOWN_IDS_SCRIPT = `[ -z "$1" ] || getent passwd "$1" >/dev/null || echo user
[ -z "$2" ] || getent group "$2" >/dev/null || echo group`;

const isId = (name: string | undefined): name is string => name !== undefined && /^\d+$/.test(name);

/**
 * As Ansible's file module in check mode (unless state=absent): a warning, not a failure, for an owner or group the
 * host does not know, as an earlier task the check run did not run may create it. Names were looked up by the probe.
 */
export async function unknownOwnerWarnings(connection: Connection, probe: HostProbe, owner: string | undefined, group: string | undefined): Promise<string[]> {
  const ids = isId(owner) || isId(group) ? (await connection.exec(shellScript(UNKNOWN_IDS_SCRIPT, [isId(owner) ? owner : '', isId(group) ? group : '']))).stdout.split('\n') : [];
  const warnings: string[] = [];
  if (isId(owner) ? ids.includes('user') : owner !== undefined && probe.ownerUid === null) {
    warnings.push(`failed to look up user ${isId(owner) ? `with uid ${Number(owner)}` : owner}. Create user up to this point in real play`);
  }
  if (isId(group) ? ids.includes('group') : group !== undefined && probe.groupGid === null) {
    warnings.push(`failed to look up group ${isId(group) ? `with gid ${Number(group)}` : group}. Create group up to this point in real play`);
  }
  return warnings;
}
