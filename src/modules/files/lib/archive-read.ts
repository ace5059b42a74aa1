import type { Connection } from '../../../connection/types.js';
import { STAT_FORMAT_SH, parseStat, type FileStat } from '../../shared/file-stat.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';

/** unarchive's handlers, in the order Ansible tries them, with the tar flag each one uses. */
export const TAR_HANDLERS = [
  { name: 'TgzArchive', flag: '-z' },
  { name: 'TarArchive', flag: '' },
  { name: 'TarBzipArchive', flag: '-j' },
  { name: 'TarXzArchive', flag: '-J' },
  { name: 'TarZstdArchive', flag: '--zstd' },
] as const;

export interface ArchiveRequest {
  /** The archive on the target (remote_src), or undefined when `upload` brings it from the controller. */
  src?: string;
  upload?: Buffer;
  dest: string;
  creates?: string;
  keepNewer: boolean;
  owner?: string;
  group?: string;
  extraOpts: string[];
  exclude: string[];
  include: string[];
}

export type ArchiveState =
  | { kind: 'skipped'; creates: string }
  | { kind: 'failed'; msg: string }
  | {
      kind: 'archive';
      /** Where the archive is on the target (the uploaded copy or remote_src). */
      src: string;
      /** The folder the uploaded copy lives in (removed when done); undefined for remote_src. */
      uploadDir?: string;
      handler: string;
      tarFlag: string;
      /** Names in the archive, as the handler lists them (excludes left out). */
      files: string[];
      /** tar --diff's output and errors, or zipinfo -T -s's listing. */
      report: string;
      /** lstat of dest/NAME for each listed name and each top folder (undefined: missing). */
      stats: Map<string, FileStat | undefined>;
      destStat: FileStat;
      umask: number;
      uid: number;
      gid: number;
      ownerUid?: number | null;
      groupGid?: number | null;
      /** The target's offset from UTC in seconds (zip times are local times). */
      utcOffset: number;
    };

/*
 * Lists are passed as newline-joined words and split with IFS=newline and globbing off, so that each
 * item stays one argument. Sections: the header, then `--` and the listing, then `--` and one `n=`/`s=`
 * pair per listed name and top folder.
 */
const ARCHIVE_SCRIPT = `${STAT_FORMAT_SH}src=$1 dest=$2 creates=$3 upload=$4 keep_newer=$5 owner=$6 group=$7 opts=$8 excludes=$9 includes=\${10} zip_excludes=\${11}
nl='
'
set -f
if [ -n "$creates" ] && [ -e "$creates" ]; then echo skipped=1; exit 0; fi
if [ ! -d "$dest" ]; then echo failed=notdir; exit 0; fi
if [ "$upload" = 1 ]; then
  updir=$(mktemp -d "\${TMPDIR:-/tmp}/betif-unarchive.XXXXXXXX") || exit 1
  src=$updir/source
  base64 -d > "$src" || exit 1
  printf 'updir=%s\\n' "$updir"
fi
printf 'src=%s\\n' "$src"
case $src in -*) src=./$src ;; esac
if [ ! -e "$src" ]; then echo failed=missing; exit 0; fi
if [ ! -r "$src" ]; then echo failed=unreadable; exit 0; fi
if [ ! -s "$src" ]; then echo failed=empty; exit 0; fi
printf 'umask='; umask
echo "uid=$(id -u)"; echo "gid=$(id -g)"; echo "offset=$(date +%z)"
case $owner in ''|*[!0-9]*) [ -z "$owner" ] || echo "owner_uid=$(id -u -- "$owner" 2>/dev/null)" ;; *) echo "owner_uid=$owner" ;; esac
case $group in ''|*[!0-9]*) [ -z "$group" ] || echo "group_gid=$(getent group -- "$group" | cut -d: -f3)" ;; *) echo "group_gid=$group" ;; esac
printf 'dest_stat=%s\\n' "$(stat -c "$F" -- "$dest")"
list=$(mktemp) || exit 1
trap 'rm -f -- "$list" "$list.out"' EXIT
IFS=$nl
handler=
if command -v unzip >/dev/null 2>&1 && command -v zipinfo >/dev/null 2>&1 && unzip -l "$src" >/dev/null 2>&1; then
  handler=zip
  zipinfo -1 "$src" $includes \${zip_excludes:+-x} $zip_excludes > "$list" 2>/dev/null
  zipinfo -T -s "$src" $includes \${zip_excludes:+-x} $zip_excludes > "$list.out" 2>&1
elif tar --version 2>/dev/null | head -n 1 | grep -q GNU; then
  for flag in -z none -j -J --zstd; do
    f=$flag; [ "$f" = none ] && f=
    show=; [ -n "$opts" ] && show=--show-transformed-names
    if LC_ALL=C tar --list -C "$dest" $f $show $opts $excludes -f "$src" $includes > "$list" 2>/dev/null && [ -s "$list" ]; then
      handler=tar$flag
      o=; [ -n "$owner" ] && o=--owner=$owner
      g=; [ -n "$group" ] && g=--group=$group
      k=; [ "$keep_newer" = 1 ] && k=--keep-newer-files
      (cd -- "$dest" && LC_ALL=C tar --diff -C "$dest" $f $show $opts $o $g $k $excludes -f "$src" $includes) > "$list.out" 2>&1
      break
    fi
  done
fi
[ -n "$handler" ] || { echo failed=nohandler; exit 0; }
printf 'handler=%s\\n' "$handler"
printf 'comparison=%s\\n' "$(base64 -w0 < "$list.out")"
echo --
while IFS= read -r name; do printf 'f=%s\\n' "$(printf '%s' "$name" | base64 -w0)"; done < "$list"
echo --
{ cat -- "$list"; cut -d/ -f1 < "$list" | sort -u; } | while IFS= read -r name; do
  n=\${name#/}
  printf 'n=%s\\n' "$(printf '%s' "$n" | base64 -w0)"
  printf 's=%s\\n' "$(stat -c "$F" -- "$dest/$n" 2>/dev/null)"
done
`;

/** tar's exclude words, as unarchive writes them (a trailing / dropped). */
const tarExcludes = (exclude: string[]) => exclude.map((path) => `--exclude=${path.replace(/\/+$/, '')}`);

export async function readArchive(connection: Connection, request: ArchiveRequest): Promise<ArchiveState> {
  const { sections } = await runHostScript(
    connection,
    ARCHIVE_SCRIPT,
    [
      request.src ?? '',
      request.dest,
      request.creates ?? '',
      request.upload ? '1' : '0',
      request.keepNewer ? '1' : '0',
      request.owner ?? '',
      request.group ?? '',
      request.extraOpts.join('\n'),
      tarExcludes(request.exclude).join('\n'),
      request.include.join('\n'),
      request.exclude.join('\n'),
    ],
    request.upload?.toString('base64'),
  );
  const [header, listing, statSection] = sections;
  if (header.has('skipped')) return { kind: 'skipped', creates: request.creates ?? '' };
  const failed = header.get('failed');
  const src = header.get('src') ?? request.src ?? '';
  const updir = header.get('updir');
  if (failed) {
    if (updir) await connection.exec(['rm', '-rf', '--', updir]);
    return { kind: 'failed', msg: failureMessage(failed, src, request) };
  }
  const handlerWord = header.get('handler') ?? '';
  const tar = TAR_HANDLERS.find((handler) => `tar${handler.flag || 'none'}` === handlerWord);
  const stats = new Map<string, FileStat | undefined>();
  const names = statSection?.all('n') ?? [];
  const statLines = statSection?.all('s') ?? [];
  names.forEach((encoded, index) => {
    const line = statLines[index];
    stats.set(decodeBase64Text(encoded) ?? '', line ? parseStat(line) : undefined);
  });
  const offset = header.get('offset') ?? '+0000';
  const sign = offset.startsWith('-') ? -1 : 1;
  const lookup = (value: string | undefined) => (value === undefined ? undefined : value === '' ? null : Number(value));
  return {
    kind: 'archive',
    src,
    uploadDir: updir,
    handler: tar?.name ?? 'ZipArchive',
    tarFlag: tar?.flag ?? '',
    files: (listing?.all('f') ?? []).map((encoded) => (decodeBase64Text(encoded) ?? '').replace(/^\//, '')),
    report: decodeBase64Text(header.get('comparison')) ?? '',
    stats,
    destStat: parseStat(header.get('dest_stat')),
    umask: parseInt(header.get('umask') ?? '022', 8),
    uid: Number(header.get('uid')),
    gid: Number(header.get('gid')),
    ownerUid: lookup(header.get('owner_uid')),
    groupGid: lookup(header.get('group_gid')),
    utcOffset: sign * (Number(offset.slice(1, 3)) * 3600 + Number(offset.slice(3, 5)) * 60),
  };
}

function failureMessage(reason: string, src: string, request: ArchiveRequest): string {
  switch (reason) {
    case 'notdir':
      return `dest '${request.dest}' must be an existing dir`;
    case 'missing':
      return `Source '${src}' does not exist`;
    case 'unreadable':
      return `Source '${src}' not readable`;
    case 'empty':
      return `Invalid archive '${src}', the file is 0 bytes`;
    default:
      return `Failed to find handler for "${src}". Make sure the required command to extract the file is installed.`;
  }
}
