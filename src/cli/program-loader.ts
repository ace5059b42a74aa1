/** What bin.ts runs: the command's main and the last-resort report of an error nothing else caught. */
export interface Program {
  main(argv: string[], version: string): Promise<number>;
  reportInternalError(error: unknown, showStack: boolean): number;
  wantsStack(argv: readonly string[]): boolean;
  /** Called once the run is over (the bundle keeps the code V8 compiled during the run for the next start). */
  finished(): void;
  /** The bundle's code cache: used, missing, or rejected by this V8 (another Node version); `none` when there is no bundle. */
  codeCache: 'used' | 'missing' | 'rejected' | 'none';
}

/**
 * The program, imported from tsc's output next to this file. The bundle (scripts/bundle.mjs) replaces this
 * function with cached-program.ts's loader of the bundled program and its V8 code cache.
 */
export async function loadProgram(): Promise<Program> {
  const [{ main }, { reportInternalError, wantsStack }] = await Promise.all([import('./main.js'), import('./internal-error.js')]);
  return { main, reportInternalError, wantsStack, finished: () => undefined, codeCache: 'none' };
}
