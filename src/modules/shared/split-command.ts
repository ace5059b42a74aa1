import { shlexSplit } from '../../python/shlex.js';
import { ModuleFailure } from '../contract.js';

/** shlexSplit reads '#' as a comment (as INI lines need); the command module's shlex.split keeps it as text. */
const HASH_STAND_IN = '\ue000';

/**
 * Splits a command line into words as Ansible's command module does (Python's shlex.split): quotes group,
 * backslashes escape, and nothing else has a meaning: no operators, globs, or expansion ($VARS are left for the target).
 */
export function splitCommandLine(line: string): string[] {
  try {
    return shlexSplit(line.replaceAll('#', HASH_STAND_IN)).map((word) => word.replaceAll(HASH_STAND_IN, '#'));
  } catch (error) {
    throw new ModuleFailure(`failed at splitting arguments, unbalanced quotes: ${line} (${(error as Error).message})`);
  }
}
