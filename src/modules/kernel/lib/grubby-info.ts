import { shellScript } from '../../../connection/quote.js';
import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';

/** One boot entry as `grubby --info` prints it. */
export interface BootEntry {
  kernel: string;
  /** The entry's arguments, with `root=` put back first (grubby prints it on a line of its own). */
  args: string[];
}

export interface BootState {
  entries: BootEntry[];
  /** The arguments the running kernel was booted with. */
  cmdline: string[];
}

/** $1 the kernel selector (ALL, DEFAULT, a kernel path). */
const READ_SCRIPT = `command -v grubby >/dev/null 2>&1 || { echo 'grubby is not installed on the target' >&2; exit 127; }
grubby --info="$1" || exit $?
printf 'cmdline=%s\\n' "$(cat /proc/cmdline 2>/dev/null)"
`;

/** `key="value"` or `key=value`. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

const words = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');

/** Parses grubby's blocks of `index=N`, `kernel="..."`, `args="..."`, `root="..."`, `initrd=`, `title=`, `id=` lines. */
function parseGrubbyInfo(stdout: string): BootState {
  const entries: BootEntry[] = [];
  let cmdline: string[] = [];
  let root: string | undefined;
  let current: BootEntry | undefined;
  const finish = () => {
    if (current && root !== undefined) current.args.unshift(`root=${root}`);
    root = undefined;
  };
  for (const line of stdout.split('\n')) {
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = line.slice(0, equals);
    const value = unquote(line.slice(equals + 1));
    if (key === 'index') {
      finish();
      current = { kernel: '', args: [] };
      entries.push(current);
    } else if (key === 'cmdline') cmdline = words(value);
    else if (current && key === 'kernel') current.kernel = value;
    else if (current && key === 'args') current.args = words(value);
    else if (current && key === 'root') root = value;
  }
  finish();
  return { entries, cmdline };
}

/** One round trip: the selected boot entries and the running kernel's command line. */
export async function readBootEntries(connection: Connection, kernel: string): Promise<BootState> {
  const { rc, stdout, stderr } = await connection.exec(shellScript(READ_SCRIPT, [kernel]));
  if (rc !== 0) throw new ModuleFailure(`grubby --info=${kernel} failed: ${stderr.trim() || stdout.trim() || `exit code ${rc}`}`, { rc, stderr });
  return parseGrubbyInfo(stdout);
}
