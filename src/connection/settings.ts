import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse } from 'shell-quote';
import type { KexAlgorithm } from 'ssh2';
import { kexAlgorithms } from './key-exchange.js';
import type { BecomeOptions } from './types.js';

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** How to reach one host: everything the connection layer needs, read from Ansible's variables. */
export interface ConnectionSettings {
  /** inventory_hostname (or the address, for a jump host that is not in the inventory). */
  host: string;
  kind: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  /** The host this one is reached through (ProxyJump). */
  jump?: ConnectionSettings;
  hostKeyChecking: HostKeyChecking;
  /** Checked in order; accept-new appends to the first. */
  knownHostsFiles: string[];
  connectTimeoutMs: number;
  /** ServerAliveInterval: a keepalive after this much silence from the host ... */
  keepaliveIntervalMs?: number;
  /** ... ServerAliveCountMax: and the host is UNREACHABLE after this many go unanswered. */
  keepaliveCountMax?: number;
  /** KexAlgorithms from the ssh options; else key-exchange.ts's PREFERRED_KEX. */
  kexAlgorithms?: KexAlgorithm[];
  become?: BecomeOptions;
  /** false (betif_command_stream: false): one channel per command instead of the command stream. */
  commandStream?: boolean;
}

export interface SettingsDefaults {
  user?: string;
  hostKeyChecking: HostKeyChecking;
  knownHostsFiles: string[];
  become?: boolean;
  becomeUser?: string;
  connectTimeoutMs?: number;
  /** ansible.cfg and command-line defaults for what the host's variables do not say (-c, --private-key, -k, -K ...). */
  connection?: string;
  privateKeyFile?: string;
  password?: string;
  becomeMethod?: string;
  becomePassword?: string;
  /** The `port` keyword, else ansible.cfg's remote_port: below the host's ansible_port and an ssh `-o Port`. */
  port?: number | string;
  /** ansible.cfg's [ssh_connection] ssh_args (only the options betif-play understands are read). */
  sshArgs?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const TRUE_WORDS = new Set(['yes', 'on', 'true', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'off', 'false', 'n', '0']);

/** Hosts whose settings are being resolved right now: a jump chain that comes back to one of them is a loop. */
const resolving: string[] = [];

function text(vars: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = vars[name];
    if (value !== undefined && value !== null && value !== '') return String(value);
  }
  return undefined;
}

function flag(host: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const word = String(value).toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new Error(`host ${host}: ${name} must be a boolean, got '${String(value)}'`);
}

function portNumber(host: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`host ${host}: invalid port '${value}'`);
  return port;
}

function positiveCount(host: string, option: string, value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new Error(`host ${host}: ${option} must be a positive whole number, got '${value}'`);
  return count;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The `-o Key=Value` / `-J` options of ansible_ssh_common_args and ansible_ssh_extra_args, keys lower-cased. */
function sshOptions(args: string): Map<string, string> {
  // A word with * or ? (KexAlgorithms=-diffie-hellman*) is a glob to shell-quote: ssh takes it as it is.
  const words = parse(args).flatMap((word) => (typeof word === 'string' ? [word] : 'pattern' in word ? [word.pattern] : []));
  const options = new Map<string, string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    let option: string | undefined;
    if (word === '-o') option = words[++i];
    else if (word.startsWith('-o')) option = word.slice(2);
    else if (word === '-J') option = `ProxyJump=${words[++i] ?? ''}`;
    if (option === undefined) continue;
    const match = /^\s*(\w+)\s*(?:=|\s)\s*(.*)$/.exec(option);
    if (match) options.set(match[1].toLowerCase(), match[2].trim());
  }
  return options;
}

/** `ssh -W %h:%p [-p PORT] [-l USER] [user@]bastion` as a ProxyJump spec; other ProxyCommands are not supported. */
function proxyCommandJump(host: string, command: string): string {
  const words = parse(command).filter((word): word is string => typeof word === 'string');
  if (!/(^|\/)ssh$/.test(words[0] ?? '') || !words.includes('-W')) {
    throw new Error(`host ${host}: unsupported ProxyCommand '${command}' (use ProxyJump or betif_jump_host)`);
  }
  let port: string | undefined;
  let user: string | undefined;
  let destination: string | undefined;
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i];
    if (word === '-p') port = words[++i];
    else if (word === '-l') user = words[++i];
    else if (/^-[WoiFJbcDeEIlLmOQRSwB]$/.test(word)) i += 1;
    else if (!word.startsWith('-')) destination ??= word;
  }
  if (!destination) throw new Error(`host ${host}: no bastion host in ProxyCommand '${command}'`);
  const withUser = user && !destination.includes('@') ? `${user}@${destination}` : destination;
  return port ? `${withUser}:${port}` : withUser;
}

function hostKeyChecking(host: string, vars: Record<string, unknown>, options: Map<string, string>, fallback: HostKeyChecking): HostKeyChecking {
  const strict = options.get('stricthostkeychecking')?.toLowerCase();
  if (strict !== undefined) {
    if (strict === 'accept-new') return 'accept-new';
    if (['yes', 'ask', 'true'].includes(strict)) return 'strict';
    if (['no', 'off', 'false'].includes(strict)) return 'off';
    throw new Error(`host ${host}: unknown StrictHostKeyChecking value '${strict}'`);
  }
  const checking = flag(host, 'ansible_host_key_checking', vars.ansible_host_key_checking ?? vars.ansible_ssh_host_key_checking);
  if (checking === false) return 'off';
  return fallback;
}

/** `[user@]host[:port]` (IPv6 as `[addr]:port`). */
function parseJumpSpec(spec: string): { user?: string; target: string; port?: string } {
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  const rest = at >= 0 ? spec.slice(at + 1) : spec;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) return { user, target: bracketed[1], port: bracketed[2] };
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && rest.indexOf(':') === colon) return { user, target: rest.slice(0, colon), port: rest.slice(colon + 1) };
  return { user, target: rest };
}

/** A ProxyJump chain "a,b": b is reached through a, the target through b. */
function resolveJumpChain(host: string, chain: string, resolveJump: (nameOrAddress: string) => ConnectionSettings): ConnectionSettings {
  let previous: ConnectionSettings | undefined;
  for (const spec of chain.split(',').map((part) => part.trim()).filter(Boolean)) {
    const { user, target, port } = parseJumpSpec(spec);
    if (resolving.includes(target)) throw new Error(`jump host loop: ${[...resolving, target].join(' -> ')}`);
    const settings = { ...resolveJump(target) };
    if (user) settings.user = user;
    if (port) settings.port = portNumber(host, port, settings.port);
    if (previous) settings.jump = previous;
    previous = settings;
  }
  if (!previous) throw new Error(`host ${host}: empty jump host specification`);
  return previous;
}

function becomeSettings(host: string, vars: Record<string, unknown>, defaults: SettingsDefaults): ConnectionSettings['become'] {
  const enabled = flag(host, 'ansible_become', vars.ansible_become) ?? defaults.become ?? false;
  if (!enabled) return undefined;
  const method = text(vars, 'ansible_become_method') ?? defaults.becomeMethod ?? 'sudo';
  if (method !== 'sudo' && method !== 'su') throw new Error(`host ${host}: become method '${method}' is not supported (only sudo and su)`);
  const user = text(vars, 'ansible_become_user') ?? defaults.becomeUser ?? 'root';
  const password = text(vars, 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass') ?? defaults.becomePassword;
  return { user, method, ...(password === undefined ? {} : { password }) };
}

/** Reads Ansible's connection variables (ansible_host, ansible_port, ansible_user ...) into ConnectionSettings. */
export function settingsFromVars(
  host: string,
  vars: Record<string, unknown>,
  resolveJump: (nameOrAddress: string) => ConnectionSettings,
  defaults: SettingsDefaults,
): ConnectionSettings {
  const connection = text(vars, 'ansible_connection') ?? defaults.connection ?? 'ssh';
  if (!['ssh', 'smart', 'paramiko', 'local'].includes(connection)) {
    throw new Error(`host ${host}: connection type '${connection}' is not supported (use ssh or local)`);
  }
  const commonArgs = text(vars, 'ansible_ssh_common_args') ?? defaults.sshCommonArgs;
  const extraArgs = text(vars, 'ansible_ssh_extra_args') ?? defaults.sshExtraArgs;
  const options = sshOptions([defaults.sshArgs, commonArgs, extraArgs].filter(Boolean).join(' '));
  const timeoutSeconds = text(vars, 'ansible_ssh_timeout', 'ansible_timeout') ?? options.get('connecttimeout');
  const keyFile = text(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file') ?? options.get('identityfile') ?? defaults.privateKeyFile;
  const password = text(vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password') ?? defaults.password;
  const userKnownHosts = options.get('userknownhostsfile')?.split(/\s+/).filter(Boolean) ?? [];
  const knownHostsFiles = [...new Set([...userKnownHosts, ...defaults.knownHostsFiles, '~/.ssh/known_hosts'].map(expandHome))];

  const settings: ConnectionSettings = {
    host,
    kind: connection === 'local' ? 'local' : 'ssh',
    address: text(vars, 'ansible_host', 'ansible_ssh_host') ?? host,
    port: portNumber(host, text(vars, 'ansible_port', 'ansible_ssh_port') ?? options.get('port') ?? (defaults.port === undefined ? undefined : String(defaults.port)), 22),
    user: text(vars, 'ansible_user', 'ansible_ssh_user') ?? options.get('user') ?? defaults.user ?? userInfo().username,
    hostKeyChecking: hostKeyChecking(host, vars, options, defaults.hostKeyChecking),
    knownHostsFiles,
    connectTimeoutMs: timeoutSeconds !== undefined ? Number(timeoutSeconds) * 1000 : defaults.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
  if (!(settings.connectTimeoutMs > 0)) throw new Error(`host ${host}: invalid connection timeout '${String(timeoutSeconds)}'`);
  const aliveInterval = options.get('serveraliveinterval');
  if (aliveInterval !== undefined) settings.keepaliveIntervalMs = positiveCount(host, 'ServerAliveInterval', aliveInterval) * 1000;
  const aliveCount = options.get('serveralivecountmax');
  if (aliveCount !== undefined) settings.keepaliveCountMax = positiveCount(host, 'ServerAliveCountMax', aliveCount);
  const kex = options.get('kexalgorithms');
  if (kex !== undefined) settings.kexAlgorithms = kexAlgorithms(kex);
  if (keyFile !== undefined) settings.privateKeyFile = expandHome(keyFile);
  if (password !== undefined) settings.password = password;
  const become = becomeSettings(host, vars, defaults);
  if (become) settings.become = become;
  if (flag(host, 'betif_command_stream', vars.betif_command_stream) === false) settings.commandStream = false;

  const proxyCommand = options.get('proxycommand');
  const jumpSpec = text(vars, 'betif_jump_host') ?? options.get('proxyjump') ?? (proxyCommand && proxyCommand !== 'none' ? proxyCommandJump(host, proxyCommand) : undefined);
  if (settings.kind === 'ssh' && jumpSpec !== undefined && jumpSpec !== 'none') {
    resolving.push(host);
    try {
      settings.jump = resolveJumpChain(host, jumpSpec, resolveJump);
    } finally {
      resolving.pop();
    }
  }
  return settings;
}
