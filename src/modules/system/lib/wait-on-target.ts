import type { Connection } from '../../../connection/types.js';
import { shellScript } from '../../../connection/quote.js';
import { ModuleFailure } from '../../contract.js';

/**
 * bash reads from the port until the data matches the regex ($0 host, $1 port, $2 regex) and prints the data.
 * Lines are read one at a time with a short timeout so that a banner without a newline is seen too.
 */
const PORT_READER = `
exec 3<>"/dev/tcp/$0/$1" || exit 1
data=
while :; do
  IFS= read -r -t 1 -u 3 line; got=$?
  if [ "$got" -eq 0 ]; then data="$data$line
"; else data="$data$line"; fi
  if [ -n "$data" ] && printf %s "$data" | grep -Pzq -- "(?m)$2"; then printf %s "$data"; exit 0; fi
  if [ "$got" -ne 0 ] && [ "$got" -le 128 ]; then exit 1; fi
done`;

/**
 * Polls on the target until the condition holds: exit 0 (printing what the regex matched), 3 on timeout,
 * 2 when grep rejects the regex. Ports are probed with bash's /dev/tcp, so no extra package is needed;
 * regexes use grep -P, close to Python's, over the whole file (-z) with ^ and $ at line ends as in re.MULTILINE.
 */
const WAIT_SCRIPT = `
kind=$1 goal=$2 host=$3 port=$4 path=$5 regex=$6 timeout=$7 delay=$8 pause=$9 connect_timeout=\${10}
end=$(( $(date +%s) + timeout ))
case $path in "~" | "~/"*) path=$HOME\${path#"~"} ;; esac
if [ -n "$regex" ]; then
  problem=$(grep -Pzq -- "(?m)$regex" </dev/null 2>&1)
  if [ $? -eq 2 ]; then printf '%s\\n' "$problem" >&2; exit 2; fi
fi
[ "$delay" -gt 0 ] && sleep "$delay"
seconds_left() { left=$((end - $(date +%s))); [ "$left" -ge 1 ] || left=1; echo "$left"; }
port_open() {
  limit=$(seconds_left); [ "$connect_timeout" -lt "$limit" ] && limit=$connect_timeout
  timeout "$limit" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}
port_says() { timeout "$(seconds_left)" bash -c '${PORT_READER}' "$host" "$port" "$regex" 2>/dev/null; }
file_says() { grep -Pzq -- "(?m)$regex" "$path" 2>/dev/null && grep -Pzo -- "(?m)$regex" "$path" | head -z -n 1; }
while :; do
  case $kind:$goal in
    port:up) if [ -n "$regex" ]; then port_says && exit 0; else port_open && exit 0; fi ;;
    port:down) port_open || exit 0 ;;
    path:up) if [ -e "$path" ] && { [ -z "$regex" ] || file_says; }; then exit 0; fi ;;
    path:down) [ -e "$path" ] || exit 0 ;;
  esac
  [ "$(date +%s)" -lt "$end" ] || exit 3
  sleep "$pause"
done
`;

export interface WaitRequest {
  kind: 'port' | 'path';
  /** up: the port answers / the path exists (and matches); down: the opposite. */
  goal: 'up' | 'down';
  host: string;
  port?: number;
  path?: string;
  searchRegex?: string;
  timeout: number;
  delay: number;
  sleep: number;
  connectTimeout: number;
}

export type WaitOutcome = { reached: true; matchedText: string } | { reached: false };

/** One round trip that lasts until the condition holds or the timeout passes on the target. */
export async function waitOnTarget(connection: Connection, request: WaitRequest): Promise<WaitOutcome> {
  const { rc, stdout, stderr } = await connection.exec(
    shellScript(WAIT_SCRIPT, [
      request.kind,
      request.goal,
      request.host,
      String(request.port ?? ''),
      request.path ?? '',
      request.searchRegex ?? '',
      String(request.timeout),
      String(request.delay),
      String(request.sleep),
      String(request.connectTimeout),
    ]),
  );
  if (rc === 0) return { reached: true, matchedText: stdout.replace(/\0$/, '') };
  if (rc === 3) return { reached: false };
  if (rc === 2) throw new ModuleFailure(`Invalid regular expression: ${stderr.trim()}`, { elapsed: 0 });
  throw new ModuleFailure(`could not wait on the target: ${stderr.trim() || `rc ${rc}`}`);
}
