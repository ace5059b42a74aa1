import { environEntries, type FactInputs } from './script.js';

/** The real id from a "Uid:" or "Gid:" line of /proc/self/status. */
function statusId(inputs: FactInputs, field: string): number | null {
  const line = (inputs.files.get('/proc/self/status') ?? []).find((candidate) => candidate.startsWith(`${field}:`));
  const id = line?.split(/\s+/)[1];
  return id === undefined ? null : Number(id);
}

/** env: the environment the facts script ran with. */
export function environment(inputs: FactInputs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of environEntries(inputs, '/proc/self/environ')) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}

/** user_id (as Python's getpass.getuser() finds it), user_uid, user_gid, user_dir, user_shell. */
export function userFacts(inputs: FactInputs): Record<string, unknown> {
  const env = environment(inputs);
  const uid = statusId(inputs, 'Uid');
  return {
    user_id: env.LOGNAME ?? env.USER ?? env.LNAME ?? env.USERNAME ?? String(uid ?? ''),
    user_uid: uid,
    user_gid: statusId(inputs, 'Gid'),
    user_dir: env.HOME ?? '',
    user_shell: env.SHELL ?? '',
  };
}
