import { shellScript } from '../../../connection/quote.js';
import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';

/** One entry below a searched path, with its lstat status (a symlink is reported as a link). */
export interface WalkEntry {
  /** As Python's os.path.normpath(os.path.join(root, name)). */
  path: string;
  name: string;
  /** The folder it was listed in, as os.walk names it. */
  parent: string;
  /** 'f' file, 'd' directory, 'l' link, 'p' fifo, 's' socket, 'c' char, 'b' block. */
  kind: string;
  /** Whether os.walk puts it in `dirs` (a directory, or a link to one). */
  isDirFollowed: boolean;
  owner: string;
  group: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  inode: number;
  dev: number;
  atime: number;
  mtime: number;
  ctime: number;
}

export interface WalkedPath {
  /** The searched path after ~ expansion. */
  path: string;
  /** Why the path could not be (fully) examined. */
  error?: string;
  entries: WalkEntry[];
}

const RECORD_FIELDS = 15;

/*
 * One find(1) per searched path lists everything below it with its lstat fields (fields end with NUL,
 * names may hold any other byte). Following links, find itself would report a link's target instead
 * of the link, so links to folders are walked by a find of their own (once per real folder: a link
 * loop does not run forever). Sections: `P`, the path, then records, then `E`, a message on failure.
 */
const WALK_SCRIPT = `follow=$1 max=$2; shift 2
R='%y\\0%Y\\0%p\\0%u\\0%m\\0%U\\0%G\\0%s\\0%n\\0%i\\0%D\\0%A@\\0%T@\\0%C@\\0%g\\0'
walk() {
  local dir="$1" left="$2" seen="$3" depth target
  if [ -n "$left" ]; then find "$dir/" -mindepth 1 -maxdepth "$left" -printf "$R"; else find "$dir/" -mindepth 1 -printf "$R"; fi || return 1
  [ "$follow" = 1 ] || return 0
  if [ -n "$left" ]; then find "$dir/" -mindepth 1 -maxdepth "$((left - 1))" -type l -xtype d -printf '%d %p\\n'; else find "$dir/" -mindepth 1 -type l -xtype d -printf '%d %p\\n'; fi |
  while IFS= read -r line; do
    depth=\${line%% *}; target=$(readlink -f -- "\${line#* }")
    case $seen in *"|$target|"*) continue ;; esac
    walk "\${line#* }" "\${left:+$((left - depth))}" "$seen|$target|" || return 1
  done
}
for p do
  case $p in '~') p=$HOME ;; '~/'*) p=$HOME/\${p#'~/'} ;; esac
  printf 'P\\0%s\\0' "$p"
  if [ ! -d "$p" ]; then printf "E\\0'%s' is not a directory\\0" "$p"; continue; fi
  err=$( { walk "$p" "$max" "|$(readlink -f -- "$p")|" >&3; } 2>&1 ) || printf 'E\\0%s\\0' "\${err:-find failed}"
done 3>&1
`;

/** Python's os.path.normpath for POSIX paths. */
export function normpath(path: string): string {
  if (path === '') return '.';
  const initial = path.startsWith('//') && !path.startsWith('///') ? '//' : path.startsWith('/') ? '/' : '';
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!initial && parts.length === 0) || parts.at(-1) === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  return initial + parts.join('/') || '.';
}

function entryOf(fields: string[], root: string): WalkEntry {
  const [kind, followed, printed, owner, mode, uid, gid, size, nlink, inode, dev, atime, mtime, ctime, group] = fields;
  const path = normpath(printed);
  const cut = path.lastIndexOf('/');
  // The folder os.walk lists it in: the searched path as given, or a sub-folder below it.
  const parentNormalized = cut <= 0 ? (cut === 0 ? '/' : '.') : path.slice(0, cut);
  return {
    path,
    name: path.slice(cut + 1),
    parent: parentNormalized === normpath(root) ? root : parentNormalized,
    kind,
    isDirFollowed: followed === 'd',
    owner: /^\d+$/.test(owner) && owner === uid ? '' : owner,
    group: /^\d+$/.test(group) && group === gid ? '' : group,
    mode: parseInt(mode, 8),
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    nlink: Number(nlink),
    inode: Number(inode),
    dev: Number(dev),
    atime: Number(atime),
    mtime: Number(mtime),
    ctime: Number(ctime),
  };
}

/** Lists every searched path on the target in one round trip (maxDepth: how deep find needs to go). */
export async function walkPaths(connection: Connection, paths: readonly string[], follow: boolean, maxDepth: number | undefined): Promise<WalkedPath[]> {
  const { rc, stdout, stderr } = await connection.exec(shellScript(WALK_SCRIPT, [follow ? '1' : '0', maxDepth === undefined ? '' : String(maxDepth), ...paths]));
  if (rc !== 0) throw new ModuleFailure(`could not list the paths on the target: ${stderr.trim() || `rc ${rc}`}`);
  const fields = stdout.split('\0');
  const walked: WalkedPath[] = [];
  for (let index = 0; index < fields.length - 1; ) {
    const tag = fields[index];
    if (tag === 'P') {
      walked.push({ path: fields[index + 1], entries: [] });
      index += 2;
    } else if (tag === 'E') {
      walked[walked.length - 1].error = fields[index + 1].trim();
      index += 2;
    } else {
      const current = walked[walked.length - 1];
      current.entries.push(entryOf(fields.slice(index, index + RECORD_FIELDS), current.path));
      index += RECORD_FIELDS;
    }
  }
  return walked;
}

/** Runs a per-file command on the target for each path, answering one NUL-terminated value per path. */
async function perFile(connection: Connection, script: string, paths: readonly string[]): Promise<(string | undefined)[]> {
  if (paths.length === 0) return [];
  const { stdout } = await connection.exec(shellScript(script, [...paths]));
  const values = stdout.split('\0');
  return paths.map((_, index) => (values[index] === undefined || values[index] === '-' ? undefined : values[index]));
}

/** The SHA-1 of each file (undefined where it cannot be read). */
export function sha1Files(connection: Connection, paths: readonly string[]): Promise<(string | undefined)[]> {
  return perFile(connection, `for f do h=$(sha1sum < "$f" 2>/dev/null) && printf '%s\\0' "\${h%% *}" || printf -- '-\\0'; done`, paths);
}

/** The content of each file, base64-encoded (undefined where it cannot be read). */
export async function readFiles(connection: Connection, paths: readonly string[]): Promise<(Buffer | undefined)[]> {
  const encoded = await perFile(connection, `for f do c=$(base64 -w0 < "$f" 2>/dev/null) && printf '%s\\0' "$c" || printf -- '-\\0'; done`, paths);
  return encoded.map((value) => (value === undefined ? undefined : Buffer.from(value, 'base64')));
}
