import type { Connection } from '../../connection/types.js';
import { ModuleFailure } from '../contract.js';

/**
 * Python's os.path.expandvars then expanduser('~', '~/...'), in awk: unknown variables stay as they are.
 * Prints each argument followed by a NUL byte.
 */
export const EXPAND_AWK = `
function expand(s,    out, token, name) {
  out = ""
  while (match(s, /[$]([A-Za-z0-9_]+|[{][^}]*[}])/)) {
    token = substr(s, RSTART, RLENGTH)
    name = substr(token, 2)
    if (substr(name, 1, 1) == "{") name = substr(name, 2, length(name) - 2)
    out = out substr(s, 1, RSTART - 1) ((name in ENVIRON) ? ENVIRON[name] : token)
    s = substr(s, RSTART + RLENGTH)
  }
  s = out s
  if (s == "~" || substr(s, 1, 2) == "~/") s = ENVIRON["HOME"] substr(s, 2)
  return s
}
BEGIN { for (i = 1; i < ARGC; i++) printf "%s%c", expand(ARGV[i]), 0; exit }`;

/** Whether Ansible would change the path when it expands it (a $VAR, or ~ leading). */
export function needsExpansion(path: string): boolean {
  return path.includes('$') || path === '~' || path.startsWith('~/');
}

/**
 * Paths as Ansible's modules see their `path`-type arguments: $VARS and a leading ~ expanded on the host, in
 * the environment the module runs in. No round trip when nothing needs expanding.
 */
export async function expandHostPaths(connection: Connection, paths: string[]): Promise<string[]> {
  if (!paths.some(needsExpansion)) return paths;
  const { rc, stdout, stderr } = await connection.exec(['awk', EXPAND_AWK, ...paths]);
  const expanded = stdout.split('\0').slice(0, -1);
  if (rc !== 0 || expanded.length !== paths.length) throw new ModuleFailure(`could not expand ${paths.join(', ')} on the host: ${stderr.trim() || `rc ${rc}`}`);
  return expanded;
}
