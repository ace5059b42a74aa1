import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';

/** The names of libvirt's networks (only the active ones, or all), in virsh's order. */
export async function listNetworks(connection: Connection, uri: string, activeOnly: boolean): Promise<string[]> {
  const { rc, stdout, stderr } = await connection.exec(['virsh', '-c', uri, 'net-list', ...(activeOnly ? [] : ['--all']), '--name']);
  if (rc !== 0) throw new ModuleFailure(stderr.trim() || `virsh net-list failed (rc ${rc})`);
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}
