import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { ModuleFailure } from '../contract.js';
import { STAT_FORMAT_SH, parseStat, type FileStat } from './file-stat.js';
import { HostRecord, decodeBase64Text, runHostScript } from './host-script.js';
import { preloadScript } from '../../connection/driver.js';

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface ProbeOptions {
  /** Fetch the content of regular files (following links). */
  content?: boolean;
  /** Skip content larger than this many bytes (contentSkipped is set instead). */
  contentLimit?: number;
  /** Compute this checksum of regular files on the host. */
  checksum?: ChecksumAlgorithm;
  /** Resolve these user and group names to ids (for idempotent chown). */
  owner?: string;
  group?: string;
  /** List the status of everything under directories (for recurse); 'follow' lists what links inside point at instead of the links (dangling ones left out). */
  tree?: boolean | 'follow';
  /** Ask file(1) for the MIME type and charset. */
  mime?: boolean;
  /** Ask lsattr(1) for the file attributes. */
  attributes?: boolean;
  /**
   * The checksum of content the caller already has: with `content` and `checksum`, a regular file
   * with this checksum is not fetched (unless the path is a symlink), as there is nothing to diff.
   */
  knownChecksum?: string;
}

export interface PathProbe {
  path: string;
  exists: boolean;
  /** Whether the parent folder exists (only known when the path does not). */
  parentIsDirectory: boolean;
  /** Status of the path itself (a symlink is reported as a link). */
  lstat?: FileStat;
  /** Status after following links; undefined for a dangling link. */
  stat?: FileStat;
  /** A symlink's target as written, and the fully resolved path. */
  linkTarget?: string;
  realPath?: string;
  readable: boolean;
  writeable: boolean;
  executable: boolean;
  directoryEmpty?: boolean;
  content?: Buffer;
  contentSkipped?: boolean;
  checksum?: string;
  tree?: FileStat[];
  mime?: { type: string; charset: string };
  attributes?: { version: string; flags: string };
}

export interface HostProbe {
  umask: number;
  /** The ids new files get (the connecting user's). */
  uid: number;
  gid: number;
  /** Resolved uid of options.owner (null: no such user; undefined: not asked or numeric). */
  ownerUid?: number | null;
  groupGid?: number | null;
  paths: PathProbe[];
}

/*
 * Every program the script starts is a fork and exec on the host, which costs more than anything
 * else a no-change task does: the common reads start one `stat` for all paths (and the host's own
 * ids, from /proc/self/), plus one program for a checksum or the content. Everything else is a shell
 * builtin. Sections: the header, one `--` section per path, then a trailer with the `s=` stat lines of
 * the host itself and of each existing path, in order, and the owner/group lookups that were needed.
 */
const PROBE_SCRIPT = `${STAT_FORMAT_SH}content=$1 limit=$2 algo=$3 owner=$4 group=$5 tree=$6 mime=$7 attrs=$8 same=$9
shift 9
nl='
'
printf 'umask='; umask
self=/proc/self/
[ -d "$self" ] || { self=; echo "uid=$(id -u)"; echo "gid=$(id -g)"; }
has_entries() {
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    if [ -e "$e" ] || [ -L "$e" ]; then return 0; fi
  done
  return 1
}
# Pairs of path and parent folder; each existing path is appended to the arguments for the one stat.
n=$(($# / 2))
while [ "$n" -gt 0 ]; do
  p=$1 up=$2
  shift 2
  n=$((n - 1))
  echo --
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then
    [ -d "$up" ] && echo parent=1
    continue
  fi
  set -- "$@" "$p"
  echo exists=1
  if [ -L "$p" ]; then
    printf 'links='; { readlink -z -- "$p"; readlink -fz -- "$p"; } | base64 -w0; echo
    [ -e "$p" ] && echo "stat=$(stat -L -c "$F" -- "$p")"
  fi
  [ -r "$p" ] && echo readable=1
  [ -w "$p" ] && echo writeable=1
  [ -x "$p" ] && echo executable=1
  if [ -d "$p" ]; then
    has_entries "$p" || echo empty=1
    [ "$tree" = 1 ] && find -H "$p" -mindepth 1 -exec stat -c "entry=$F" -- {} +
    [ "$tree" = 2 ] && find -L "$p" -mindepth 1 ! -type l -exec stat -L -c "entry=$F" -- {} +
  fi
  if [ -f "$p" ] && [ -r "$p" ]; then
    sum=
    case $algo in
      md5|sha1|sha224|sha256|sha384|sha512)
        # The sum is kept only to compare with $same; else it is printed straight, as "SUM  -".
        if [ "$content" = 1 ]; then sum=$("\${algo}sum" < "$p"); sum=\${sum%% *}; echo "checksum=$sum"
        else printf 'checksum='; "\${algo}sum" < "$p" || echo; fi ;;
    esac
    if [ "$content" = 1 ] && { [ -z "$same" ] || [ "$sum" != "$same" ] || [ -L "$p" ]; }; then
      printf 'content='
      if [ -z "$limit" ]; then base64 -w0 < "$p"; else head -c "$((limit + 1))" < "$p" | base64 -w0; fi
      echo
    fi
  fi
  if [ "$mime" = 1 ] && command -v file >/dev/null 2>&1; then
    m=$(file -b --mime-type --mime-encoding -- "$p" 2>/dev/null)
    echo "mime=\${m%%"$nl"*}"
  fi
  if [ "$attrs" = 1 ] && command -v lsattr >/dev/null 2>&1; then
    a=$(lsattr -vd -- "$p" 2>/dev/null)
    echo "attr=\${a%%"$nl"*}"
  fi
done
# The trailer is the last section. Without names to look up, stat prints it straight (no fork for a capture);
# if a path went away meanwhile, the lines printed so far are left in a section of their own.
echo --
[ -z "$owner$group" ] && stat -c "s=$F" -- \${self:+"$self"} "$@" 2>/dev/null && exit 0
# A path stat cannot read (removed meanwhile) gets an empty line, so the others keep their places.
if ! s=$(stat -c "s=$F" -- \${self:+"$self"} "$@" 2>/dev/null); then
  s=
  for p in \${self:+"$self"} "$@"; do s="$s\${nl}s=$(stat -c "$F" -- "$p")"; done
  s=\${s#"$nl"}
fi
echo --
printf '%s\\n' "$s"
# A name that already owns (or is the group of) a stat'ed path needs no lookup; stat prints UNKNOWN for ids without a name.
known() { [ "$2" != UNKNOWN ] && case "$nl$s$nl" in *"$1"*) ;; *) false ;; esac; }
[ -z "$owner" ] || known "\${nl}s=$owner|" "$owner" || echo "owner_uid=$(id -u -- "$owner" 2>/dev/null)"
[ -z "$group" ] || known "|$group$nl" "$group" || echo "group_entry=$(getent group -- "$group" 2>/dev/null)"
exit 0
`;

// Nearly every file task reads its paths with this script: every driver defines it from the start (its text never crosses the connection).
preloadScript(PROBE_SCRIPT);

/** A user or group: its id as given, as looked up on the host, or as seen owning a probed path. */
function resolvedId(name: string | undefined, lookedUp: string | undefined, seen: number | undefined): number | null | undefined {
  if (name === undefined) return undefined;
  if (/^\d+$/.test(name)) return Number(name);
  if (lookedUp !== undefined) return /^\d+$/.test(lookedUp) ? Number(lookedUp) : null;
  return seen ?? null;
}

/** The gid field of a `getent group` line ('' when there is no such group). */
function groupIdOf(entry: string | undefined): string | undefined {
  return entry === undefined ? undefined : (entry.split(':')[2] ?? '');
}

function parseMime(value: string | undefined): PathProbe['mime'] {
  if (!value) return undefined;
  const [type, charset] = value.split(';');
  return { type: type.trim(), charset: (charset ?? '').replace(/^\s*charset=/, '').trim() || 'unknown' };
}

function parseAttributes(value: string | undefined): PathProbe['attributes'] {
  const [version, flags] = (value ?? '').split(' ');
  return flags === undefined ? undefined : { version, flags: flags.replace(/-/g, '') };
}

/** `readlink` then `readlink -f`, NUL-terminated; the second is missing when it could not resolve. */
function parseLinks(value: string | undefined): { linkTarget: string; realPath: string } {
  const [linkTarget, realPath] = (decodeBase64Text(value) ?? '').split('\0');
  return { linkTarget, realPath: realPath ?? '' };
}

function parseContent(value: string | undefined, limit: number | undefined): Pick<PathProbe, 'content' | 'contentSkipped'> {
  if (value === undefined) return { content: undefined, contentSkipped: false };
  const content = Buffer.from(value, 'base64');
  // The host sends at most one byte more than the limit: enough to know the file is bigger.
  if (limit !== undefined && content.length > limit) return { content: undefined, contentSkipped: true };
  return { content, contentSkipped: false };
}

function parsePath(path: string, record: HostRecord, lstatLine: string | undefined, stderr: string, options: ProbeOptions): PathProbe {
  if (!record.has('exists')) {
    return { path, exists: false, parentIsDirectory: record.has('parent'), readable: false, writeable: false, executable: false };
  }
  if (!lstatLine) throw new ModuleFailure(`could not read the status of ${path}: ${stderr || 'stat printed nothing'}`);
  const lstat = parseStat(lstatLine);
  const isLink = lstat.kind === 'link';
  return {
    path,
    exists: true,
    parentIsDirectory: true,
    lstat,
    stat: isLink ? (record.has('stat') ? parseStat(record.get('stat')) : undefined) : lstat,
    ...(isLink ? parseLinks(record.get('links')) : { linkTarget: undefined, realPath: undefined }),
    readable: record.has('readable'),
    writeable: record.has('writeable'),
    executable: record.has('executable'),
    directoryEmpty: record.has('empty'),
    ...parseContent(record.get('content'), options.contentLimit),
    checksum: record.get('checksum')?.split(' ')[0] || undefined,
    tree: record.has('entry') ? record.all('entry').map(parseStat) : lstat.kind === 'directory' ? [] : undefined,
    mime: parseMime(record.get('mime')),
    attributes: parseAttributes(record.get('attr')),
  };
}

/** One round trip: the status (and optionally content, checksum, ids) of each path. */
export async function probePaths(connection: Connection, paths: readonly string[], options: ProbeOptions = {}): Promise<HostProbe> {
  const flag = (value: boolean | undefined) => (value ? '1' : '0');
  const name = (value: string | undefined) => (value !== undefined && !/^\d+$/.test(value) ? value : '');
  const args = [
    flag(options.content),
    options.contentLimit === undefined ? '' : String(options.contentLimit),
    options.checksum ?? '',
    name(options.owner),
    name(options.group),
    options.tree === 'follow' ? '2' : flag(options.tree),
    flag(options.mime),
    flag(options.attributes),
    options.knownChecksum ?? '',
    ...paths.flatMap((path) => [path, posix.dirname(path)]),
  ];
  const { sections, stderr } = await runHostScript(connection, PROBE_SCRIPT, args);
  const [header, ...records] = sections;
  const trailer = records.length > paths.length ? records[records.length - 1] : new HostRecord([]);
  const statLines = trailer.all('s');
  const self = header.has('uid') ? undefined : parseStat(statLines.shift());
  let existing = 0;
  const found = paths.map((path, index) => {
    const record = records[index] ?? new HostRecord([]);
    return parsePath(path, record, record.has('exists') ? statLines[existing++] : undefined, stderr, options);
  });
  const seen = [...(self ? [self] : []), ...found.flatMap((path) => (path.lstat ? [path.lstat] : []))];
  return {
    umask: parseInt(header.get('umask') ?? '022', 8),
    uid: self?.uid ?? Number(header.get('uid')),
    gid: self?.gid ?? Number(header.get('gid')),
    ownerUid: resolvedId(options.owner, trailer.get('owner_uid'), seen.find((stat) => stat.owner === options.owner)?.uid),
    groupGid: resolvedId(options.group, groupIdOf(trailer.get('group_entry')), seen.find((stat) => stat.group === options.group)?.gid),
    paths: found,
  };
}
