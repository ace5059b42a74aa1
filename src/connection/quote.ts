import { quote } from 'shell-quote';

/** The one place where an argument array becomes shell text: each word is quoted for POSIX sh. */
export function quoteArgv(argv: readonly string[]): string {
  return quote([...argv]);
}

/**
 * Runs a fixed sh script with user data passed as positional parameters ($1, $2, ...),
 * so no user value is ever spliced into the script text.
 */
export function shellScript(script: string, args: readonly string[] = []): string[] {
  return ['/bin/sh', '-c', script, 'sh', ...args];
}
