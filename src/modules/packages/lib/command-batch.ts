import type { Connection } from '../../../connection/types.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';

export interface CommandOutcome {
  rc: number;
  stdout: string;
  stderr: string;
}

/*
 * Arguments: STOP, then each command as its word count followed by its words. The eval'd text is
 * built from positional-parameter numbers only ("${7}" "${8}" ...), so no argument is ever parsed
 * as shell code. LC_ALL=C.UTF-8 keeps the tools' messages in English for the parsers.
 */
const BATCH_SCRIPT = [
  'export LC_ALL=C.UTF-8 LANG=C.UTF-8',
  'stop=$1; shift',
  'out=$(mktemp) && err=$(mktemp) || exit 1',
  'trap \'rm -f -- "$out" "$err"\' EXIT',
  'b64() { base64 < "$1" | tr -d \'\\n\'; }',
  'i=1',
  'while [ "$i" -le $# ]; do',
  '  eval "n=\\${$i}"',
  '  words= j=$((i + 1)) i=$((i + 1 + n))',
  '  while [ "$j" -lt "$i" ]; do words="$words \\"\\${$j}\\""; j=$((j + 1)); done',
  '  eval "$words" >"$out" 2>"$err" </dev/null; rc=$?',
  '  printf -- \'--\\nrc=%s\\nout=%s\\nerr=%s\\n\' "$rc" "$(b64 "$out")" "$(b64 "$err")"',
  '  if [ "$stop" = 1 ] && [ "$rc" -ne 0 ]; then exit 0; fi',
  'done',
  'exit 0',
].join('\n');

/**
 * Runs several commands on the target in one round trip, in order. With stopOnFailure, the
 * commands after the first non-zero exit are not run (and get no outcome).
 */
export async function runBatch(connection: Connection, commands: readonly (readonly string[])[], stopOnFailure: boolean): Promise<CommandOutcome[]> {
  if (commands.length === 0) return [];
  const args = [stopOnFailure ? '1' : '0', ...commands.flatMap((argv) => [String(argv.length), ...argv])];
  const { sections } = await runHostScript(connection, BATCH_SCRIPT, args);
  return sections.slice(1).map((record) => ({
    rc: Number(record.get('rc')),
    stdout: decodeBase64Text(record.get('out')) ?? '',
    stderr: decodeBase64Text(record.get('err')) ?? '',
  }));
}
