import { randomBytes } from 'node:crypto';
import { quoteArgv, shellScript } from './quote.js';
import type { BecomeOptions, ExecOptions, ExecResult } from './types.js';

/** `env` arguments for extra environment variables (names are checked: they become words of a command). */
export function envAssignments(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name '${name}'`);
    return `${name}=${value}`;
  });
}

/**
 * sudo -S and su read the password line only when they need one. The stream carries a marker line
 * after the password; this reads up to the marker so the command sees exactly its own stdin,
 * whether or not the password was consumed (NOPASSWD rules, cached credentials, su run by root).
 */
export const SKIP_TO_MARKER = 'IFS= read -r line; [ "$line" = "$1" ] || IFS= read -r line; shift; exec "$@"';

export interface Escalation {
  /** The command line that runs the wrapped command as the become user. */
  argv: string[];
  /** What goes ahead of the command's stdin: the password line and the marker. */
  head?: Buffer;
}

/**
 * Wraps a command to run as become.user. `inner` receives the marker line the command must skip up to
 * (undefined when nothing goes ahead of its stdin) and returns the command's argv.
 */
export function escalate(become: BecomeOptions, inner: (marker?: string) => string[]): Escalation {
  if (become.method === 'su') {
    // su reads its password from stdin when that is not a terminal; as root it asks for none. Its -c text is
    // run by the user's login shell, so the command is handed over as one quoted /bin/sh command line.
    const marker = randomBytes(12).toString('hex');
    return { argv: ['su', become.user, '-c', quoteArgv(inner(marker))], head: Buffer.from(`${become.password ?? ''}\n${marker}\n`) };
  }
  if (become.password === undefined) return { argv: ['sudo', '-n', '-u', become.user, '--', ...inner()] };
  const marker = randomBytes(12).toString('hex');
  return { argv: ['sudo', '-S', '-p', '', '-u', become.user, '--', ...inner(marker)], head: Buffer.from(`${become.password}\n${marker}\n`) };
}

/** One command as the become user (for a path that starts a program per command): its argv and options. */
export function escalatedCommand(argv: readonly string[], options: ExecOptions, become: BecomeOptions): { argv: string[]; options: ExecOptions } {
  // sudo and su reset the environment, so variables are set by `env` on the far side of them.
  const command = options.env && Object.keys(options.env).length > 0 ? ['env', ...envAssignments(options.env), ...argv] : [...argv];
  const passOn: ExecOptions = { cwd: options.cwd, stdin: options.stdin };
  const escalation = escalate(become, (marker) => (marker === undefined ? command : shellScript(SKIP_TO_MARKER, [marker, ...command])));
  if (!escalation.head) return { argv: escalation.argv, options: passOn };
  return { argv: escalation.argv, options: { ...passOn, stdin: Buffer.concat([escalation.head, Buffer.from(options.stdin ?? '')]) } };
}

/** A command's result without su's password prompt, which su writes to stderr even when stdin is not a terminal. */
export function withoutPrompt(result: ExecResult, become: BecomeOptions): ExecResult {
  return become.method === 'su' && result.stderr.startsWith('Password: ') ? { ...result, stderr: result.stderr.slice('Password: '.length) } : result;
}

/** Why sudo or su refused, when the result is their own failure rather than the command's. */
export function escalationFailure(result: ExecResult, become: BecomeOptions, host: string): string | undefined {
  const method = become.method ?? 'sudo';
  const text = result.stderr;
  if (result.rc === 127 && new RegExp(`${method}: (command )?not found`).test(text)) return `${method} is not installed on ${host}`;
  if (method === 'su') {
    if (result.rc !== 1) return undefined;
    if (/^(Password: )?su: Authentication failure/m.test(text)) return become.password === undefined ? 'Missing su password' : 'Incorrect su password';
    const refusal = /^(?:Password: )?su: (user .* does not exist.*)$/m.exec(text);
    return refusal ? `su refused to run the command as ${become.user} on ${host}: ${refusal[1]}` : undefined;
  }
  if (result.rc !== 1 || !/^sudo: |^Sorry, try again\./m.test(text)) return undefined;
  if (/incorrect password attempt|Sorry, try again/.test(text)) return 'Incorrect sudo password';
  if (/a password is required|no password was provided/.test(text)) return 'Missing sudo password';
  const refusal = /^sudo: (.*(?:not in the sudoers file|is not allowed to|unknown user).*)$/m.exec(text);
  return refusal ? `sudo refused to run the command as ${become.user} on ${host}: ${refusal[1]}` : undefined;
}
