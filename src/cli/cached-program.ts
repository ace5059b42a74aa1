import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type { Program } from './program-loader.js';

/** The bundled program (one CommonJS file) and the code V8 compiled for it, next to bin.js. */
export const PROGRAM_FILE = 'main.cjs';
export const CODE_CACHE_FILE = 'main.cjs.cache';

/**
 * Loads the bundled program with V8's code cache: compiling the program's source costs more than all the rest
 * of a short run's start, and Node 20 keeps no compiled code between runs of an ES module. The cache is made by
 * the build's warm-up run; one V8 rejects (another Node version) is replaced after the run when the folder is
 * writable (`refreshCache`), so the next start is fast again.
 */
export function loadCachedProgram(folder: string, refreshCache = true): Program {
  const file = join(folder, PROGRAM_FILE);
  const cacheFile = join(folder, CODE_CACHE_FILE);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The bundle is ASCII (esbuild escapes the rest): read as latin1, it needs no UTF-8 decoding.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'latin1')}\n})`, { filename: file, cachedData });
  const module = { exports: {} as Omit<Program, 'finished'> };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, folder);
  const codeCache = cachedData === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'used';
  const { main, reportInternalError, wantsStack } = module.exports;
  return {
    main,
    reportInternalError,
    wantsStack,
    codeCache,
    finished() {
      if (codeCache === 'used' || !refreshCache) return;
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // A folder the user cannot write (a system-wide install): the next start compiles the source again.
      }
    },
  };
}
