/** An error betif-play did not expect is a bug: one line asking for a report, the stack only with -vvv; exit 250 as Ansible. */
export const INTERNAL_ERROR_EXIT = 250;

export function reportInternalError(error: unknown, showStack: boolean, mask: (text: string) => string = (text) => text): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(mask(`ERROR! Unexpected Exception, this is probably a bug in betif-play: ${message.split('\n')[0]} (please report it, with the output of -vvv)\n`));
  if (showStack && error instanceof Error && error.stack) process.stderr.write(`${mask(error.stack)}\n`);
  return INTERNAL_ERROR_EXIT;
}

/** -vvv or more anywhere on the command line (also before the options are parsed). */
export function wantsStack(argv: readonly string[]): boolean {
  let count = 0;
  for (const arg of argv) {
    if (arg === '--verbose') count += 1;
    else if (/^-v+$/.test(arg)) count += arg.length - 1;
  }
  return count >= 3;
}
