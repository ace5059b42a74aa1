import { createRequire } from 'node:module';
import type Nunjucks from 'nunjucks';

let library: typeof Nunjucks | undefined;

/**
 * nunjucks, run on first use: a run that renders no template never pays for starting it. The bundle
 * (scripts/bundle.mjs) replaces this file with one whose require() esbuild resolves to its bundled copy, as lazy.
 */
export function nunjucksLibrary(): typeof Nunjucks {
  return (library ??= createRequire(import.meta.url)('nunjucks') as typeof Nunjucks);
}
