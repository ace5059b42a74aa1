import type { Connection } from '../../../connection/types.js';
import { shellScript } from '../../../connection/quote.js';
import { ModuleFailure } from '../../contract.js';
import { EXPAND_AWK } from '../../shared/expand-host-paths.js';
import { preloadScript } from '../../../connection/driver.js';

/** What a command task needs to know from its target before running (or not running) the command. */
export interface CommandTarget {
  /** chdir, creates and removes with $VARS and ~ expanded on the target (undefined when not given). */
  chdir?: string;
  creates?: string;
  removes?: string;
  /** Whether the creates / removes pattern matches something, relative to chdir. */
  createsFound?: boolean;
  removesFound?: boolean;
  /** The command words with $VARS and ~ expanded, as Ansible's command module does (no shell involved). */
  words: string[];
}

export interface CommandTargetQuery {
  chdir?: string;
  creates?: string;
  removes?: string;
  /** Words to expand; shell commands pass none, their shell expands them. */
  words: string[];
}

/**
 * $1 chdir, $2 creates, $3 removes (empty when not given), then the words. Changes into chdir first,
 * so relative creates/removes patterns are globbed there, as Ansible does.
 */
const READ_SCRIPT = `
expand_program='${EXPAND_AWK}'
needs_expansion() { case $1 in *'$'*|'~'|'~/'*) return 0 ;; esac; return 1; }
# Sets the variable named $1 to $2 expanded; without anything to expand, no subshell is forked.
expand_into() {
  if needs_expansion "$2"; then expanded=$(awk "$expand_program" "$2" | tr -d '\\000'); else expanded=$2; fi
  eval "$1=\\$expanded"
}
matches_something() {
  IFS=
  for candidate in $1; do
    if [ -e "$candidate" ] || [ -L "$candidate" ]; then return 0; fi
  done
  return 1
}
expand_into chdir "$1"; expand_into creates "$2"; expand_into removes "$3"; shift 3
cd_state=ok
if [ -n "$chdir" ] && ! cd -- "$chdir" 2>/dev/null; then
  if [ ! -e "$chdir" ]; then cd_state='No such file or directory'
  elif [ ! -d "$chdir" ]; then cd_state='Not a directory'
  else cd_state='Permission denied'; fi
fi
creates_found=; removes_found=
if [ -n "$creates" ]; then if matches_something "$creates"; then creates_found=yes; else creates_found=no; fi; fi
if [ -n "$removes" ]; then if matches_something "$removes"; then removes_found=yes; else removes_found=no; fi; fi
printf '%s\\0' "$cd_state" "$creates_found" "$removes_found" "$chdir" "$creates" "$removes"
expand_words=
for word do if needs_expansion "$word"; then expand_words=yes; fi; done
if [ -n "$expand_words" ]; then awk "$expand_program" "$@"; elif [ $# -gt 0 ]; then printf '%s\\0' "$@"; fi
`;

// Every command task reads its target with this script: every driver defines it from the start.
preloadScript(READ_SCRIPT);

/** Anything the target must be asked: a path to check or a word that Ansible would expand. */
export function needsTargetRead(query: CommandTargetQuery): boolean {
  return Boolean(query.chdir || query.creates || query.removes) || query.words.some((word) => word.includes('$') || word.startsWith('~'));
}

const found = (flag: string): boolean | undefined => (flag === '' ? undefined : flag === 'yes');

/** One round trip: expands the command's words and paths on the target and checks creates/removes there. */
export async function readCommandTarget(connection: Connection, query: CommandTargetQuery): Promise<CommandTarget> {
  if (!needsTargetRead(query)) return { words: query.words };
  const argv = shellScript(READ_SCRIPT, [query.chdir ?? '', query.creates ?? '', query.removes ?? '', ...query.words]);
  const { rc, stdout, stderr } = await connection.exec(argv);
  const fields = stdout.split('\0');
  if (rc !== 0 || fields.length < 7) throw new ModuleFailure(`could not inspect the target before running the command: ${stderr.trim() || `rc ${rc}`}`);
  const [cdState, createsFlag, removesFlag, chdir, creates, removes, ...words] = fields.slice(0, -1);
  if (cdState !== 'ok') {
    throw new ModuleFailure(`Unable to change directory before execution: ${cdState}: '${chdir}'`);
  }
  return {
    chdir: chdir || undefined,
    creates: creates || undefined,
    removes: removes || undefined,
    createsFound: found(createsFlag),
    removesFound: found(removesFlag),
    words,
  };
}
