import { createHash } from 'node:crypto';
import { quoteArgv } from './quote.js';
import { envAssignments } from './escalation.js';
import type { ExecOptions } from './types.js';

/**
 * The command stream's far end: a POSIX sh loop started once per host (and become user) that runs
 * one command per request, with no program started besides the command itself (and `head` for a
 * large command text or a command's stdin).
 *
 * Request: a line "TOKEN KIND COUNT STDIN_BYTES [c]", then the command's shell text (KIND L: COUNT lines,
 * read by the shell's own `read`; KIND B: COUNT bytes, read by `head -c`, then a line TOKEN), then
 * STDIN_BYTES bytes of input and a line TOKEN (-1: no input). A request cut short (the controller
 * stopped or the connection broke while sending it) lacks a line, and the driver exits without
 * running it: a half-sent file never replaces a whole one. The input file is emptied after each
 * command, and removed with its folder when the driver ends (also on SIGPIPE). Answer: TOKEN"a" on stdout and stderr, the command's own output on each, then
 * TOKEN"z"RC on stdout and TOKEN"z" on stderr. The token is random per request, so no output of a
 * command can end its frame, and bytes outside a frame (a background job writing late) are dropped.
 *
 * With "c" (a command that prints lines of text, see ExecOptions.linesOnly) the driver collects the output and
 * answers with one write per stream once the command is done: otherwise every line a script echoes may cross the
 * connection as an SSH packet of its own (about ten per file probe), each costing the host's sshd and the
 * controller a wake-up, a read and a decryption. Its stdout comes from a command substitution (trailing empty
 * lines dropped, one newline added), its stderr through a file in the driver's folder, read back only when not
 * empty. Where that folder cannot be made, the command is answered as any other, in a subshell of its own (its
 * text, made for the collecting subshell, may exit).
 *
 * With a positional argument (become with a password), lines are skipped up to that marker first:
 * sudo -S and su read the password line only when they need one.
 */
export const DRIVER_SCRIPT = `d=
trap '[ -z "$d" ] || rm -rf "$d"' EXIT
trap 'exit 1' HUP INT TERM PIPE
if [ $# -gt 0 ]; then IFS= read -r l; [ "$l" = "$1" ] || IFS= read -r l; fi
head -c 0 </dev/null || exit 97
echo betif-driver-1
while IFS=' ' read -r t k n s m; do
  case $k in
    L) c=; while [ "$n" -gt 0 ]; do IFS= read -r l || exit 1; c="$c$l
"; n=$((n - 1)); done ;;
    B) c=$(head -c "$n") || exit 1; IFS= read -r e && [ "$e" = "$t" ] || exit 1 ;;
    *) exit 1 ;;
  esac
  i=/dev/null
  if [ "$s" -ge 0 ]; then
    [ -n "$d" ] || d=$(mktemp -d) || exit 1
    i=$d/in; head -c "$s" >"$i" || exit 1
    IFS= read -r e && [ "$e" = "$t" ] || exit 1
  fi
  if [ "$m" = c ] && { [ -n "$d" ] || d=$(mktemp -d 2>/dev/null); }; then
    o=$(eval "$c" <"$i" 2>"$d/e")
    r=$?
    [ "$i" = /dev/null ] || : >"$i"
    printf '%sa\n%s%sz%s\n' "$t" "\${o:+$o
}" "$t" "$r"
    if [ -s "$d/e" ]; then printf '%sa\n' "$t" >&2; cat -- "$d/e" >&2; printf '%sz\n' "$t" >&2; else printf '%sa\n%sz\n' "$t" "$t" >&2; fi
    continue
  fi
  echo "$t"a; echo "$t"a >&2
  if [ "$m" = c ]; then (eval "$c") <"$i"; else { eval "$c"; } <"$i"; fi
  r=$?
  [ "$i" = /dev/null ] || : >"$i"
  echo "$t"z"$r"; echo "$t"z >&2
done
`;

export const DRIVER_HELLO = 'betif-driver-1\n';

/** The driver could not run on this host (no `head -c`): its commands take the per-command path. */
export const DRIVER_UNSUPPORTED_RC = 97;

/** Up to this size the driver reads the command text with `read` (a byte per call), beyond with one `head`. */
const LINE_READ_LIMIT = 4096;

/** Builtins that leave nothing behind in the shell that runs them and answer as their programs do: run in the driver itself. */
const HARMLESS_BUILTINS = new Set(['true', 'false', 'test', '[']);

/**
 * Builtins that answer otherwise than the programs of the same name a command names (dash's echo reads
 * backslash escapes and prints -e, /bin/echo does neither; builtin pwd prints the path as cd was given it):
 * the program runs, as it would from Ansible.
 */
const SHADOWED_PROGRAMS = new Set(['echo', 'printf', 'pwd', 'kill']);

/**
 * Shell builtins and words that would change or end the driver's own shell (`cd`, `exit`, `exec`,
 * `read`, an assignment...): such a command runs in a subshell.
 */
function runsInPlace(command: string): boolean {
  if (HARMLESS_BUILTINS.has(command)) return true;
  if (SHADOWED_PROGRAMS.has(command)) return false;
  if (!/^[A-Za-z0-9_.+\/-]+$/.test(command) || command === '.') return false;
  return !SHELL_WORDS.has(command);
}

const SHELL_WORDS = new Set([
  'alias', 'bg', 'break', 'builtin', 'cd', 'chdir', 'command', 'continue', 'declare', 'enable', 'eval', 'exec', 'exit', 'export',
  'fc', 'fg', 'getopts', 'hash', 'jobs', 'let', 'local', 'readonly', 'read', 'return', 'set', 'shift', 'source', 'times', 'trap',
  'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case',
  'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'time', 'coproc',
]);

/** A fixed script (shellScript's argv) at least this long runs in a subshell of the driver (scriptRun). */
const DEFINE_FROM = 256;
/** Scripts one driver keeps track of at most: a script built per call would otherwise grow it without end. */
const MAX_SCRIPTS = 64;
/** The driver's own variables, unset in the subshell that runs a defined script (sh -c would not see them). */
const DRIVER_VARIABLES = 'c d e i k l m n o r s t';

/** What one driver knows of the fixed scripts it ran: by function name, whether it holds the definition. */
export type ScriptDefinitions = Map<string, boolean>;

const functionNames = new Map<string, string>();

function functionName(script: string): string {
  let name = functionNames.get(script);
  if (!name) {
    name = `betif_${createHash('sha256').update(script).digest('hex').slice(0, 12)}`;
    functionNames.set(script, name);
  }
  return name;
}

/**
 * The function a defined script becomes, without the driver's own variables. It is always called in a subshell,
 * like sh -c: `(name ...)`, or the command substitution that collects a command's output (no second fork there).
 */
function functionText(name: string, body: string): string {
  return `${name}() {\nunset ${DRIVER_VARIABLES}\n${body}\n}`;
}

/** Fixed scripts every driver started from now on defines when it starts (preloadScript). */
const preloaded = new Set<string>();

/**
 * Makes every driver started from now on define this fixed script (quote.ts's shellScript, at least DEFINE_FROM
 * long) as a function when it starts, so that even its first run on a stream sends only the call. The driver
 * reads a request a byte at a time: a few KB of script text cost the host more than a program started.
 */
export function preloadScript(script: string): void {
  if (script.length < DEFINE_FROM) throw new Error(`a preloaded script must be at least ${DEFINE_FROM} characters long`);
  preloaded.add(script);
}

/** What starts a driver: its script with the preloaded functions defined ahead of its loop, and those definitions. */
export interface DriverStart {
  script: string;
  definitions: ScriptDefinitions;
}

export function driverStart(): DriverStart {
  const definitions: ScriptDefinitions = new Map();
  const functions = [...preloaded].map((script) => {
    const name = functionName(script);
    definitions.set(name, true);
    return `${functionText(name, script)}\n`;
  });
  return { script: functions.join('') + DRIVER_SCRIPT, definitions };
}

type ScriptRun = { eval: string; args: readonly string[] } | { call: string; definition?: string };

/**
 * `/bin/sh -c SCRIPT sh ARGS...` (quote.ts's shellScript: a fixed script, user data only in ARGS) runs in
 * a subshell of the driver, which costs one fork instead of starting sh. The first time, the subshell
 * evaluates the script's text (a syntax error ends the subshell only, with sh's message and exit code).
 * Run a second time on a stream, the script becomes a shell function the driver defines, always called in a
 * subshell: from there on its text neither crosses the connection nor is parsed again. The definition is
 * parsed in a subshell first: a script sh cannot parse leaves a function that runs it with sh -c, so it
 * fails as it would have, and the driver lives on.
 */
function scriptRun(argv: readonly string[], definitions: ScriptDefinitions): ScriptRun | undefined {
  if (argv.length < 4 || argv[0] !== '/bin/sh' || argv[1] !== '-c' || argv[3] !== 'sh' || argv[2].length < DEFINE_FROM) return undefined;
  const name = functionName(argv[2]);
  const call = `${name} ${quoteArgv(argv.slice(4))}`;
  const defined = definitions.get(name);
  if (defined) return { call };
  if (defined === undefined) {
    if (definitions.size < MAX_SCRIPTS) definitions.set(name, false);
    return { eval: argv[2], args: argv.slice(4) };
  }
  definitions.set(name, true);
  const text = `${name}_text`;
  const body = `"${functionText(name, `\${${text}}`)}"`;
  const definition = [
    `${text}=${quoteArgv([argv[2]])}`,
    `if (eval ${body}) 2>/dev/null; then eval ${body}; unset ${text}; else ${name}() { /bin/sh -c "\$${text}" sh "$@"; }; fi`,
  ].join('\n');
  return { call, definition };
}

/** What the driver is sent for one command: shell text, and whether the driver collects its output (see DRIVER_SCRIPT). */
export interface StreamRequest {
  text: string;
  collected: boolean;
}

/**
 * The shell text the driver evaluates for one command, argv quoted in quote.ts. A plain program runs
 * right from the driver (one process: the command); with cwd or env, or a word that would change the
 * driver's shell, it runs in a subshell that applies them and then execs the program. `definitions`
 * (the stream's own) enables running fixed scripts without sh (scriptRun). A defined script whose output is lines
 * of text (options.linesOnly) is collected by the driver, whose command substitution is then its only subshell.
 */
export function streamRequest(argv: readonly string[], options: ExecOptions = {}, definitions?: ScriptDefinitions): StreamRequest {
  if (argv.length === 0) throw new Error('cannot run an empty command');
  const env = options.env && Object.keys(options.env).length > 0 ? options.env : undefined;
  const run = definitions ? scriptRun(argv, definitions) : undefined;
  const head = run && 'definition' in run && run.definition ? `${run.definition}\n` : '';
  const lines: string[] = [];
  if (run && 'eval' in run) lines.push(`unset ${DRIVER_VARIABLES}`);
  // -P: the folder's real path becomes $PWD, as for a program started in it (Ansible's chdir), not the path with its symlinks.
  if (options.cwd !== undefined) lines.push(`${quoteArgv(['cd', '-P', '--', options.cwd])} || exit 1`);
  if (env) lines.push(quoteArgv(['export', ...envAssignments(env)]));
  // A definition must be made in the driver's own shell, not in the subshell that collects the output.
  if (options.linesOnly && run && 'call' in run && !head) return { text: [...lines, run.call].join('\n'), collected: true };
  if (options.cwd === undefined && !env && !run && runsInPlace(argv[0])) return { text: quoteArgv(argv), collected: false };
  if (run && 'eval' in run) lines.push(`set -- ${quoteArgv(run.args)}`, `eval ${quoteArgv([run.eval])}`);
  else if (run) lines.push(run.call);
  else lines.push((runsInPlace(argv[0]) && !HARMLESS_BUILTINS.has(argv[0])) || SHADOWED_PROGRAMS.has(argv[0]) ? `exec ${quoteArgv(argv)}` : quoteArgv(argv));
  return { text: `${head}(\n${lines.join('\n')}\n)`, collected: false };
}

/** One framed request for the driver. */
export function encodeRequest(token: string, request: StreamRequest, stdin?: Buffer): Buffer {
  const { text } = request;
  const body = Buffer.from(text, 'utf8');
  const input = stdin && stdin.length > 0 ? stdin : undefined;
  const size = input ? input.length : -1;
  const mode = request.collected ? ' c' : '';
  const header =
    body.length <= LINE_READ_LIMIT
      ? `${token} L ${text.split('\n').length} ${size}${mode}\n${text}\n`
      : `${token} B ${body.length} ${size}${mode}\n`;
  const trailer = Buffer.from(`${token}\n`, 'utf8');
  const parts: Buffer[] = [Buffer.from(header, 'utf8')];
  if (body.length > LINE_READ_LIMIT) parts.push(body, trailer);
  if (input) parts.push(input, trailer);
  return Buffer.concat(parts);
}
