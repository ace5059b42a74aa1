import { readFileSync, statSync, type Stats } from 'node:fs';
import { readSourceDecrypted } from '../../../vault/active.js';
import { VaultError } from '../../../vault/keyring.js';
import { ModuleFailure, type ModuleContext } from '../../contract.js';

export interface ControllerFile {
  path: string;
  content: Buffer;
  mode: number;
}

/** The content of a controller file a module sends, a vault file decrypted unless `decrypt` is false; a vault problem is the task's message as it is. */
export function readSourceContent(path: string, decrypt = true): Buffer {
  try {
    return decrypt ? readSourceDecrypted(path) : readFileSync(path);
  } catch (error) {
    if (error instanceof VaultError) throw new ModuleFailure(error.message);
    throw error;
  }
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
    return { path, content: readSourceContent(path, decrypt), mode: stats.mode & 0o7777 };
  } catch (error) {
    if (error instanceof ModuleFailure) throw error;
    throw new ModuleFailure(`could not read src=${src}: ${(error as Error).message}`);
  }
}
