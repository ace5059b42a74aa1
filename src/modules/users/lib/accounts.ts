import type { Connection } from '../../../connection/types.js';
import { decodeBase64Text, runHostScript, type HostRecord } from '../../shared/host-script.js';

/** One line of /etc/passwd as getent prints it. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

/** One line of /etc/group as getent prints it. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface AccountState {
  user?: PasswdEntry;
  /** The password field of the user's shadow entry ('' when there is none). */
  passwordHash: string;
  /** Whether the user's home folder (from passwd) exists. */
  homeExists: boolean;
  /** A group named like the user exists (useradd then needs -N). */
  ownGroupExists: boolean;
  /** The groups asked about, by the name or gid given; missing ones are absent. */
  groups: Map<string, GroupEntry>;
  /** The groups that list the user as a member. */
  memberOf: string[];
  /** Existence of the paths asked about. */
  paths: Map<string, { exists: boolean; parentIsDirectory: boolean }>;
}

/*
 * One round trip through NSS (getent), as Ansible's pwd/grp lookups do. Entries may hold any text,
 * so they travel base64-encoded. Arguments: the user name, the number of groups to look up, those
 * groups, then the paths to test.
 */
const READ_ACCOUNT_SCRIPT = `name=$1 count=$2
shift 2
enc() { printf %s "$1" | base64 -w0; }
if [ -n "$name" ]; then
  if p=$(getent passwd -- "$name"); then
    echo "passwd=$(enc "$p")"
    h=\${p#*:*:*:*:*:}
    h=\${h%%:*}
    if [ -e "$h" ] || [ -L "$h" ]; then echo home_exists=1; fi
  fi
  if s=$(getent shadow -- "$name" 2>/dev/null); then echo "shadow=$(enc "$s")"; fi
  getent group -- "$name" >/dev/null && echo own_group=1
  getent group | while IFS=: read -r g _ _ members; do
    case ",$members," in *",$name,"*) echo "member=$(enc "$g")" ;; esac
  done
fi
while [ "$count" -gt 0 ]; do
  echo --
  if g=$(getent group -- "$1"); then echo "group=$(enc "$g")"; fi
  shift; count=$((count - 1))
done
for path; do
  echo --
  if [ -e "$path" ] || [ -L "$path" ]; then echo exists=1; fi
  [ -d "\${path%/*}/" ] && echo parent=1
done
exit 0
`;

function fields(line: string | undefined): string[] | undefined {
  return line === undefined ? undefined : line.replace(/\n$/, '').split(':');
}

export function parsePasswd(line: string | undefined): PasswdEntry | undefined {
  const parts = fields(line);
  if (!parts || parts.length < 7) return undefined;
  const [name, , uid, gid, comment, home, shell] = parts;
  return { name, uid: Number(uid), gid: Number(gid), comment, home, shell };
}

export function parseGroup(line: string | undefined): GroupEntry | undefined {
  const parts = fields(line);
  if (!parts || parts.length < 4) return undefined;
  return { name: parts[0], gid: Number(parts[2]), members: parts[3] === '' ? [] : parts[3].split(',') };
}

function pathState(record: HostRecord | undefined): { exists: boolean; parentIsDirectory: boolean } {
  return { exists: record?.has('exists') ?? false, parentIsDirectory: record?.has('parent') ?? false };
}

/** The user (if a name is given), the named groups and the paths, in one round trip. */
export async function readAccounts(connection: Connection, name: string, groups: readonly string[] = [], paths: readonly string[] = []): Promise<AccountState> {
  const { sections } = await runHostScript(connection, READ_ACCOUNT_SCRIPT, [name, String(groups.length), ...groups, ...paths]);
  const [header, ...rest] = sections;
  const found = new Map<string, GroupEntry>();
  groups.forEach((group, index) => {
    const entry = parseGroup(decodeBase64Text(rest[index]?.get('group')));
    if (entry) found.set(group, entry);
  });
  return {
    user: parsePasswd(decodeBase64Text(header.get('passwd'))),
    homeExists: header.has('home_exists'),
    passwordHash: fields(decodeBase64Text(header.get('shadow')))?.[1] ?? '',
    ownGroupExists: header.has('own_group'),
    groups: found,
    memberOf: header.all('member').map((value) => decodeBase64Text(value) ?? ''),
    paths: new Map(paths.map((path, index) => [path, pathState(rest[groups.length + index])])),
  };
}
