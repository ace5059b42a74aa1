import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';

const RELOAD_COMMANDS = [
  ['udevadm', 'control', '--reload-rules'],
  ['udevadm', 'trigger'],
];

/** Makes udevd read the rules again and replay the device events, so a changed rule takes effect now. */
export async function reloadUdevRules(connection: Connection): Promise<void> {
  for (const argv of RELOAD_COMMANDS) {
    const { rc, stdout, stderr } = await connection.exec(argv);
    if (rc !== 0) throw new ModuleFailure(`${argv.join(' ')} failed: ${stderr.trim() || stdout.trim() || `exit code ${rc}`}`, { rc, stderr });
  }
}
