import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { SET_ATTRIBUTES_SH, type AttributeChange } from './file-attributes.js';
import { STAT_FORMAT_SH, parseStat, type FileStat } from './file-stat.js';
import { runHostScript } from './host-script.js';

export interface WriteRequest {
  path: string;
  /** New content, sent base64-encoded on stdin ... */
  content?: Buffer;
  /** ... or a file already on the host to copy (remote_src). */
  remoteSource?: string;
  /** The file being replaced: its owner and mode carry over unless the task sets them. */
  replacing?: FileStat;
  attributes: AttributeChange;
  backup: boolean;
  createParents?: boolean;
}

export interface WriteOutcome {
  stat: FileStat;
  backupFile?: string;
}

/**
 * Writes a temp file next to the destination (readable by its owner only until its mode is set, so a
 * secret is never briefly world-readable), gives it its owner and mode, optionally backs up the
 * old file (Ansible's name: PATH.PID.YYYY-MM-DD@HH:MM:SS~), then renames it into place: an
 * interrupted run never leaves a half-written file.
 */
const WRITE_SCRIPT = `${STAT_FORMAT_SH}${SET_ATTRIBUTES_SH}set -e
p=$1 d=$2 src=$3 keep_owner=$4 keep_mode=$5 mode=$6 owner=$7 group=$8 backup=$9 parents=\${10}
[ "$parents" != 1 ] || mkdir -p -- "$d"
t="$d/.betif.$$.tmp"
if [ -e "$t" ] || [ -L "$t" ]; then rm -f -- "$t"; fi
trap 'rm -f -- "$t"' EXIT
if [ -n "$src" ]; then
  (umask 077; set -C; cat -- "$src" > "$t")
else
  (umask 077; set -C; base64 -d > "$t")
fi
[ -z "$keep_owner" ] || chown -- "$keep_owner" "$t" 2>/dev/null || :
if [ -n "$keep_mode" ]; then chmod -- "$keep_mode" "$t"; else chmod -- "$(printf '%o' $(( 0666 & ~$(umask) )))" "$t"; fi
set_attrs "$t" "$mode" "$owner" "$group" 0 0
if [ "$backup" = 1 ] && [ -e "$p" ]; then
  b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
  cp -p -- "$p" "$b"
  printf 'backup=%s\\n' "$b"
fi
mv -f -- "$t" "$p"
trap - EXIT
printf 'stat=%s\\n' "$(stat -c "$F" -- "$p")"
`;

export async function writeFileAtomically(connection: Connection, request: WriteRequest): Promise<WriteOutcome> {
  const { replacing, attributes } = request;
  const args = [
    request.path,
    posix.dirname(request.path),
    request.remoteSource ?? '',
    replacing ? `${replacing.uid}:${replacing.gid}` : '',
    replacing ? replacing.mode.toString(8) : '',
    attributes.mode,
    attributes.owner,
    attributes.group,
    request.backup ? '1' : '0',
    request.createParents ? '1' : '0',
  ];
  const stdin = request.remoteSource === undefined ? (request.content ?? Buffer.alloc(0)).toString('base64') : '';
  const { sections } = await runHostScript(connection, WRITE_SCRIPT, args, stdin);
  const output = sections[0];
  return { stat: parseStat(output.get('stat')), backupFile: output.get('backup') };
}
