import type { Connection } from '../../connection/types.js';
import { ModuleFailure } from '../contract.js';
import { STAT_FORMAT_SH, parseStat, type FileStat } from './file-stat.js';
import { HostRecord, decodeBase64Text, runHostScript } from './host-script.js';

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
  /** List the status of everything under directories (for recurse). */
  tree?: boolean;
  /** Ask file(1) for the MIME type and charset. */
  mime?: boolean;
  /** Ask lsattr(1) for the file attributes. */
  attributes?: boolean;
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

const PROBE_SCRIPT = `${STAT_FORMAT_SH}content=$1 limit=$2 algo=$3 owner=$4 group=$5 tree=$6 mime=$7 attrs=$8
shift 8
b64() { base64 | tr -d '\\n'; }
echo "umask=$(umask)"
echo "uid=$(id -u)"
echo "gid=$(id -g)"
[ -z "$owner" ] || echo "owner_uid=$(id -u -- "$owner" 2>/dev/null)"
[ -z "$group" ] || echo "group_gid=$(getent group -- "$group" 2>/dev/null | cut -d: -f3)"
for p do
  echo --
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then
    [ -d "$(dirname -- "$p")" ] && echo parent=1
    continue
  fi
  echo "lstat=$(stat -c "$F" -- "$p")"
  if [ -L "$p" ]; then
    printf 'link='; readlink -- "$p" | b64; echo
    printf 'real='; readlink -f -- "$p" | b64; echo
    [ -e "$p" ] && echo "stat=$(stat -L -c "$F" -- "$p")"
  fi
  [ -r "$p" ] && echo readable=1
  [ -w "$p" ] && echo writeable=1
  [ -x "$p" ] && echo executable=1
  if [ -d "$p" ]; then
    [ -n "$(ls -A -- "$p" 2>/dev/null | head -n 1)" ] || echo empty=1
    [ "$tree" = 1 ] && find -H "$p" -mindepth 1 -exec stat -c "entry=$F" -- {} +
  fi
  if [ -f "$p" ] && [ -r "$p" ]; then
    if [ "$content" = 1 ]; then
      if [ -z "$limit" ] || [ "$(stat -L -c %s -- "$p")" -le "$limit" ]; then
        printf 'content='; b64 < "$p"; echo
      else
        echo content_skipped=1
      fi
    fi
    case $algo in
      md5|sha1|sha224|sha256|sha384|sha512) printf 'checksum='; "\${algo}sum" < "$p" | cut -d' ' -f1 ;;
    esac
  fi
  if [ "$mime" = 1 ] && command -v file >/dev/null 2>&1; then
    echo "mime=$(file -b --mime-type --mime-encoding -- "$p" 2>/dev/null)"
  fi
  if [ "$attrs" = 1 ] && command -v lsattr >/dev/null 2>&1; then
    echo "attr=$(lsattr -vd -- "$p" 2>/dev/null | cut -d' ' -f1,2)"
  fi
done
exit 0
`;

function resolvedId(record: HostRecord, key: string): number | null | undefined {
  const value = record.get(key);
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function withoutFinalNewline(text: string | undefined): string | undefined {
  return text?.endsWith('\n') ? text.slice(0, -1) : text;
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

function parsePath(path: string, record: HostRecord, stderr: string): PathProbe {
  if (!record.has('lstat')) {
    return { path, exists: false, parentIsDirectory: record.has('parent'), readable: false, writeable: false, executable: false };
  }
  const lstatLine = record.get('lstat');
  if (!lstatLine) throw new ModuleFailure(`could not read the status of ${path}: ${stderr || 'stat printed nothing'}`);
  const lstat = parseStat(lstatLine);
  const isLink = lstat.kind === 'link';
  const content = record.get('content');
  return {
    path,
    exists: true,
    parentIsDirectory: true,
    lstat,
    stat: isLink ? (record.has('stat') ? parseStat(record.get('stat')) : undefined) : lstat,
    linkTarget: isLink ? withoutFinalNewline(decodeBase64Text(record.get('link'))) : undefined,
    realPath: isLink ? withoutFinalNewline(decodeBase64Text(record.get('real'))) : undefined,
    readable: record.has('readable'),
    writeable: record.has('writeable'),
    executable: record.has('executable'),
    directoryEmpty: record.has('empty'),
    content: content === undefined ? undefined : Buffer.from(content, 'base64'),
    contentSkipped: record.has('content_skipped'),
    checksum: record.get('checksum') || undefined,
    tree: record.has('entry') ? record.all('entry').map(parseStat) : lstat.kind === 'directory' ? [] : undefined,
    mime: parseMime(record.get('mime')),
    attributes: parseAttributes(record.get('attr')),
  };
}

/** One round trip: the status (and optionally content, checksum, ids) of each path. */
export async function probePaths(connection: Connection, paths: readonly string[], options: ProbeOptions = {}): Promise<HostProbe> {
  const flag = (value: boolean | undefined) => (value ? '1' : '0');
  const owner = options.owner !== undefined && !/^\d+$/.test(options.owner) ? options.owner : '';
  const group = options.group !== undefined && !/^\d+$/.test(options.group) ? options.group : '';
  const args = [
    flag(options.content),
    options.contentLimit === undefined ? '' : String(options.contentLimit),
    options.checksum ?? '',
    owner,
    group,
    flag(options.tree),
    flag(options.mime),
    flag(options.attributes),
    ...paths,
  ];
  const { sections, stderr } = await runHostScript(connection, PROBE_SCRIPT, args);
  const [header, ...records] = sections;
  const numericId = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);
  return {
    umask: parseInt(header.get('umask') ?? '022', 8),
    uid: Number(header.get('uid')),
    gid: Number(header.get('gid')),
    ownerUid: numericId(options.owner) ?? resolvedId(header, 'owner_uid'),
    groupGid: numericId(options.group) ?? resolvedId(header, 'group_gid'),
    paths: paths.map((path, index) => parsePath(path, records[index] ?? new HostRecord([]), stderr)),
  };
}
