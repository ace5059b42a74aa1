import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { ModuleFailure } from '../contract.js';
import { SET_ATTRIBUTES_SH, type AttributeChange } from './file-attributes.js';
import { STAT_FORMAT_SH, parseStat, type FileStat } from './file-stat.js';
import { decodeBase64Text, runHostScript } from './host-script.js';
import { preloadScript } from '../../connection/driver.js';

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
  /** A command (its words) to run on the written temp file first: each `%s` in a word is the temp file's path. */
  validate?: string[];
}

export interface WriteOutcome {
  stat: FileStat;
  backupFile?: string;
}

/** The validate command failed on the temp file: nothing was replaced (each module words its own message). */
export class ValidationFailed extends Error {
  constructor(readonly rc: number, readonly stdout: string, readonly stderr: string) {
    super(`validation failed with rc ${rc}`);
    this.name = 'ValidationFailed';
  }
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
shift 10
if [ $# -gt 0 ]; then
  n=$#
  while [ "$n" -gt 0 ]; do
    w=$1 out=
    while :; do case $w in *%s*) out=$out\${w%%"%s"*}$t; w=\${w#*"%s"} ;; *) break ;; esac; done
    set -- "$@" "$out$w"; shift; n=$((n - 1))
  done
  trap 'rm -f -- "$t" "$t.out" "$t.err"' EXIT
  if "$@" > "$t.out" 2> "$t.err"; then rc=0; else rc=$?; fi
  printf 'validate_rc=%s\nvalidate_stdout=%s\nvalidate_stderr=%s\n' "$rc" "$(base64 -w0 < "$t.out")" "$(base64 -w0 < "$t.err")"
  rm -f -- "$t.out" "$t.err"
  [ "$rc" = 0 ] || exit 0
fi
if [ "$backup" = 1 ] && [ -e "$p" ]; then
  # As Ansible's FILE.PID.TIME~; commands on one command stream share $$, so a taken name gets the next number.
  s=$(date +%Y-%m-%d@%H:%M:%S) n=$$
  while [ -e "$p.$n.$s~" ]; do n=$((n + 1)); done
  b="$p.$n.$s~"
  cp -p -- "$p" "$b"
  printf 'backup=%s\\n' "$b"
fi
mv -f -- "$t" "$p"
trap - EXIT
printf 'stat=%s\\n' "$(stat -c "$F" -- "$p")"
`;

// Every file content written goes through this script: every driver defines it from the start.
preloadScript(WRITE_SCRIPT);

const NO_SPACE = /No space left on device/i;

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
    ...(request.validate ?? []),
  ];
  const stdin = request.remoteSource === undefined ? (request.content ?? Buffer.alloc(0)).toString('base64') : '';
  const { sections } = await runHostScript(connection, WRITE_SCRIPT, args, stdin).catch((error: unknown) => {
    throw error instanceof ModuleFailure && NO_SPACE.test(error.message) ? new ModuleFailure(`Could not write ${request.path}: No space left on device (the file was left as it was)`, error.result) : error;
  });
  const output = sections[0];
  const rc = output.get('validate_rc');
  if (rc !== undefined && rc !== '0') {
    throw new ValidationFailed(Number(rc), decodeBase64Text(output.get('validate_stdout')) ?? '', decodeBase64Text(output.get('validate_stderr')) ?? '');
  }
  return { stat: parseStat(output.get('stat')), backupFile: output.get('backup') };
}
