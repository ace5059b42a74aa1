import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type ModuleResult } from '../../contract.js';
import { runHostScript } from '../../shared/host-script.js';
import { readAccounts, type PasswdEntry } from './accounts.js';

/** Runs a shadow tool; a failure is reported as Ansible does: the tool's stderr as msg, with rc. */
export async function runAccountTool(connection: Connection, name: string, argv: string[], stdin?: string): Promise<{ stdout: string; stderr: string }> {
  const { rc, stdout, stderr } = await connection.exec(argv, stdin === undefined ? {} : { stdin });
  if (rc !== 0) throw new ModuleFailure(stderr || stdout || `${argv[0]} failed with exit code ${rc}`, { name, rc });
  return { stdout, stderr };
}

/** Sets the hash through stdin, so it never appears in a process list or the command log. */
export async function setPasswordHash(connection: Connection, name: string, hash: string): Promise<void> {
  await runAccountTool(connection, name, ['chpasswd', '-e'], `${name}:${hash}\n`);
}

/*
 * As Ansible's create_homedir: a copy of the skeleton (or an empty folder), mode from login.defs'
 * UMASK, owned by the user throughout.
 */
const CREATE_HOME_SCRIPT = `home=$1 skel=$2 owner=$3
[ -e "$home" ] && exit 0
if [ -d "$skel" ]; then cp -a -- "$skel" "$home"; else mkdir -p -- "$home"; fi
umask=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-7]\\{1,\\}\\)[[:space:]]*$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)
[ -n "$umask" ] && chmod "$(printf '%o' $((0777 & ~0$umask)))" -- "$home"
chown -R -- "$owner" "$home"
`;

export async function createHome(connection: Connection, user: PasswdEntry, skeleton: string | undefined): Promise<void> {
  await runHostScript(connection, CREATE_HOME_SCRIPT, [user.home, skeleton ?? '/etc/skel', `${user.uid}:${user.gid}`]);
}

/** The account as Ansible reports it after the change. */
export async function reportedAccount(connection: Connection, name: string): Promise<{ entry: PasswdEntry; fields: ModuleResult }> {
  const { user } = await readAccounts(connection, name);
  if (!user) throw new ModuleFailure(`failed to look up user name: ${name}`);
  return { entry: user, fields: accountFields(user) };
}

export function accountFields(user: PasswdEntry): ModuleResult {
  return { uid: user.uid, group: user.gid, comment: user.comment, home: user.home, shell: user.shell };
}
