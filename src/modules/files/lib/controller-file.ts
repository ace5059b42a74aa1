import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFileDecrypted } from '../../../vault/active.js';
import { ModuleFailure, type ModuleContext } from '../../contract.js';

export interface ControllerFile {
  path: string;
  content: Buffer;
  mode: number;
}

/** Finds and reads a `src:` file on the controller (role files/ or templates/ first), a vault file decrypted unless `decrypt` is false. */
export function readControllerFile(ctx: ModuleContext, kind: 'files' | 'templates', src: string, decrypt = true): ControllerFile {
  let path: string;
  let stats: Stats;
  try {
    path = ctx.findFile(kind, src);
    stats = statSync(path);
  } catch (error) {
    if (error instanceof ModuleFailure) throw error;
    throw new ModuleFailure(`could not find src=${src}: ${(error as Error).message}`);
  }
  if (stats.isDirectory()) throw new ModuleFailure(`src=${src} is a directory; only single files can be copied`);
  try {
    return { path, content: decrypt ? readFileDecrypted(path) : readFileSync(path), mode: stats.mode & 0o7777 };
  } catch (error) {
    throw new ModuleFailure(`could not read src=${src}: ${(error as Error).message}`);
  }
}
