import { UNLISTED } from '../template/templar.js';

/** Ansible's names of each connection setting its play context shows as variables (MAGIC_VARIABLE_MAPPING). */
const SETTING_NAMES = {
  address: ['ansible_ssh_host', 'ansible_host'],
  user: ['ansible_ssh_user', 'ansible_user'],
  port: ['ansible_ssh_port', 'ansible_port'],
  pipelining: ['ansible_ssh_pipelining', 'ansible_pipelining'],
  timeout: ['ansible_ssh_timeout', 'ansible_timeout'],
  privateKeyFile: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
  executable: ['ansible_shell_executable'],
  moduleCompression: ['ansible_module_compression'],
  connectionUser: ['ansible_connection_user'],
} as const;

type Setting = keyof typeof SETTING_NAMES;

export interface PlayContextInput {
  /** The task's variables on its host. */
  vars: Record<string, unknown>;
  /** The host's address when no variable gives one: its name, 127.0.0.1 for the implicit localhost. */
  address: string;
  /** The delegate's name and own variables, for a delegated task. */
  delegate?: { name: string; vars: Record<string, unknown> };
  /** The connection the task uses (its ansible_connection). */
  connection: string;
  /** The remote_user keyword, else -u or ansible.cfg's remote_user. */
  remoteUser?: unknown;
  privateKeyFile?: string;
  timeoutSeconds: number;
  pipelining: boolean;
}

function given(vars: Record<string, unknown>, names: readonly string[]): unknown {
  const name = names.find((candidate) => vars[candidate] !== undefined && vars[candidate] !== null);
  return name === undefined ? undefined : vars[name];
}

/**
 * A delegate's own settings, as Ansible's play context reads them: only the delegate's variables, its name as its
 * address, no port, and the remote user when its variables name none (an empty user too).
 */
function delegateSettings(delegate: { name: string; vars: Record<string, unknown> }, remoteUser: unknown): Partial<Record<Setting, unknown>> {
  return { ...hostSettings(delegate.vars, delegate.name, remoteUser), user: given(delegate.vars, SETTING_NAMES.user) || remoteUser };
}

function hostSettings(vars: Record<string, unknown>, address: string, remoteUser: unknown): Partial<Record<Setting, unknown>> {
  return {
    address: given(vars, SETTING_NAMES.address) ?? address,
    user: given(vars, SETTING_NAMES.user) ?? remoteUser,
    port: given(vars, SETTING_NAMES.port),
    pipelining: given(vars, SETTING_NAMES.pipelining),
    timeout: given(vars, SETTING_NAMES.timeout),
    privateKeyFile: given(vars, SETTING_NAMES.privateKeyFile),
    executable: given(vars, SETTING_NAMES.executable),
    moduleCompression: given(vars, SETTING_NAMES.moduleCompression),
  };
}

/**
 * The connection variables a task reads without any variable setting them, as Ansible's play context adds them
 * (PlayContext.update_vars): its address, user, port, key, timeout ... from the host's variables (a delegate's for a
 * delegated task), the keywords and the defaults. Names the variables already have are left out.
 */
export function playContextVars(input: PlayContextInput): Record<string, unknown> {
  const settings = input.delegate ? delegateSettings(input.delegate, input.remoteUser) : hostSettings(input.vars, input.address, input.remoteUser);
  settings.pipelining ??= input.pipelining;
  settings.timeout ??= input.timeoutSeconds;
  settings.privateKeyFile ??= input.privateKeyFile;
  settings.executable ??= '/bin/sh';
  settings.moduleCompression ??= 'ZIP_DEFLATED';
  // Ansible keeps the user a local connection ignores as the connection user (network modules log in as it).
  if (input.connection === 'local') settings.connectionUser = settings.user;
  const out: Record<string, unknown> = {};
  for (const [setting, names] of Object.entries(SETTING_NAMES) as [Setting, readonly string[]][]) {
    const value = settings[setting];
    if (value === undefined || value === null) continue;
    for (const name of names) if (!Object.hasOwn(input.vars, name)) out[name] = value;
  }
  return out;
}

type TaskVars = Record<string, unknown> & { [UNLISTED]?: ReadonlySet<string> };

/**
 * Adds the play context's variables to a task's variables, remembering which they are (the mark travels with copies):
 * they are not listed in `vars`, as Ansible fills them in after building it.
 */
export function addPlayContextVars(vars: TaskVars, input: Omit<PlayContextInput, 'vars'>): void {
  const added = playContextVars({ ...input, vars });
  Object.assign(vars, added);
  vars[UNLISTED] = new Set(Object.keys(added));
}

/** Whether the play context filled the variable in: it is not the host's own, and its connection is not made of it. */
export function filledInByPlayContext(vars: TaskVars, name: string): boolean {
  return vars[UNLISTED]?.has(name) ?? false;
}

/** The connection plugin's own names of these variables (Ansible's COMMON_CONNECTION_VARS). */
const CONNECTION_NAMES = new Set(['ansible_connection', 'ansible_host', 'ansible_user', 'ansible_port', 'ansible_private_key_file', 'ansible_timeout', 'ansible_pipelining', 'ansible_shell_executable', 'ansible_module_compression', 'ansible_shell_type']);

/**
 * The task's variables as its action reads them once connected (debug's `var`, changed_when, until): Ansible's
 * connection fills in only its own names, and the shell's type; the ansible_ssh_* twins the play context gave the
 * task's arguments and conditions are not there.
 */
export function connectedVars(vars: TaskVars): Record<string, unknown> {
  const out = { ...vars };
  for (const name of vars[UNLISTED] ?? []) if (!CONNECTION_NAMES.has(name)) delete out[name];
  out.ansible_shell_type ??= 'sh';
  return out;
}
