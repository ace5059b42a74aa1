import type { Connection, ExecResult } from '../../../connection/types.js';
import { shellScript } from '../../../connection/quote.js';
import { ModuleFailure } from '../../contract.js';
import { parseHostOutput } from '../../shared/host-script.js';

/**
 * Runs each command of the batch in turn and prints its exit code and base64 output in its own section.
 * Arguments are "COUNT WORD..." per command; the eval'd text only ever holds references ("${1}" "${2}" ...),
 * never a value, so the words stay data. Every command reads the batch's standard input.
 */
const BATCH_SCRIPT = `
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
cat > "$t/in"
b64() { base64 < "$1" | tr -d '\\n'; }
while [ $# -gt 0 ]; do
  n=$1; shift
  refs=; i=1
  while [ "$i" -le "$n" ]; do refs="$refs \\"\\\${$i}\\""; i=$((i + 1)); done
  eval "$refs" < "$t/in" > "$t/out" 2> "$t/err"
  rc=$?
  printf -- '--\\nrc=%s\\nout=%s\\nerr=%s\\n' "$rc" "$(b64 "$t/out")" "$(b64 "$t/err")"
  shift "$n"
done
`;

/**
 * Runs the commands one after another on the target in a single round trip; each result is reported, none
 * fails the batch. `stdin` is given to every command (only those reading "-" use it).
 */
export async function runCommandBatch(connection: Connection, commands: readonly (readonly string[])[], stdin = ''): Promise<ExecResult[]> {
  const args = commands.flatMap((argv) => [String(argv.length), ...argv]);
  const { rc, stdout, stderr } = await connection.exec(shellScript(BATCH_SCRIPT, args), { stdin });
  const sections = parseHostOutput(stdout).slice(1);
  if (rc !== 0 || sections.length !== commands.length) throw new ModuleFailure(`could not run commands on the target: ${stderr.trim() || `rc ${rc}`}`);
  const text = (value: string | undefined): string => Buffer.from(value ?? '', 'base64').toString('utf8');
  return sections.map((section) => ({ rc: Number(section.get('rc')), stdout: text(section.get('out')), stderr: text(section.get('err')) }));
}
