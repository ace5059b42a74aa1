import { randomBytes } from 'node:crypto';
import { shellScript } from './quote.js';
import type { BecomeOptions, ExecOptions, ExecResult } from './types.js';

/** `env` arguments for extra environment variables (names are checked: they become words of a command). */
export function envAssignments(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name '${name}'`);
    return `${name}=${value}`;
  });
}

/**
 * sudo -S reads the password line only when it needs one. The stream carries a marker line
 * after the password; this reads up to the marker so the command sees exactly its own stdin,
 * whether or not sudo consumed the password (NOPASSWD rules, cached credentials).
 */
export const SKIP_TO_MARKER = 'IFS= read -r line; [ "$line" = "$1" ] || IFS= read -r line; shift; exec "$@"';

/** The sudo words in front of a command run as become.user, and what goes ahead of its stdin. */
export function sudoPrefix(become: BecomeOptions): { words: string[]; marker?: string; head?: Buffer } {
  if (become.password === undefined) return { words: ['sudo', '-n', '-u', become.user, '--'] };
  const marker = randomBytes(12).toString('hex');
  return { words: ['sudo', '-S', '-p', '', '-u', become.user, '--'], marker, head: Buffer.from(`${become.password}\n${marker}\n`) };
}

/** One command through sudo (for a path that starts a program per command): its argv and options. */
export function sudoCommand(argv: readonly string[], options: ExecOptions, become: BecomeOptions): { argv: string[]; options: ExecOptions } {
  // sudo resets the environment, so variables are set by `env` on the far side of it.
  const command = options.env && Object.keys(options.env).length > 0 ? ['env', ...envAssignments(options.env), ...argv] : [...argv];
  const { words, marker, head } = sudoPrefix(become);
  const passOn: ExecOptions = { cwd: options.cwd, stdin: options.stdin };
  if (!marker || !head) return { argv: [...words, ...command], options: passOn };
  return {
    argv: [...words, ...shellScript(SKIP_TO_MARKER, [marker, ...command])],
    options: { ...passOn, stdin: Buffer.concat([head, Buffer.from(options.stdin ?? '')]) },
  };
}

/** Why sudo refused, when the result is sudo's own failure rather than the command's. */
export function sudoFailure(result: ExecResult, user: string, host: string): string | undefined {
  const text = result.stderr;
  if (result.rc === 127 && /sudo: (command )?not found/.test(text)) return `sudo is not installed on ${host}`;
  if (result.rc !== 1 || !/^sudo: |^Sorry, try again\./m.test(text)) return undefined;
  if (/incorrect password attempt|Sorry, try again/.test(text)) return 'Incorrect sudo password';
  if (/a password is required|no password was provided/.test(text)) return 'Missing sudo password';
  const refusal = /^sudo: (.*(?:not in the sudoers file|is not allowed to|unknown user).*)$/m.exec(text);
  return refusal ? `sudo refused to run the command as ${user} on ${host}: ${refusal[1]}` : undefined;
}
