/**
 * Gives nunjucks Jinja2's Python semantics, as Ansible users expect them. nunjucks compiles templates to
 * JavaScript that calls `runtime.*` helpers and uses JS operators; installJinjaCompat() adds Python methods
 * and slices, and these patches (the same mechanism) make the rest Python-like: truthiness ([] and {} are
 * false), `==` on lists, `+` on lists, `~` and output printing with str(), StrictUndefined instead of JS
 * undefined, `x is test arg` syntax, `*args`/`**kwargs` in calls, and string literals with Python's backslash rules.
 */
import { nunjucksLibrary } from './nunjucks-library.js';
import { patchCompiler } from './jinja-compiler.js';
import { patchLexer } from './jinja-lexer.js';
import { patchPostfix, patchRaw, patchTests } from './jinja-parser.js';
import { patchRuntime } from './jinja-runtime.js';
import { patchStarArgs } from './jinja-star-args.js';

let installed = false;

/** Applies the patches once per process, after nunjucks' own Jinja compatibility layer. */
export function installPythonSemantics(): void {
  if (installed) return;
  installed = true;
  nunjucksLibrary().installJinjaCompat();
  patchRuntime();
  patchCompiler();
  patchTests();
  patchPostfix();
  patchStarArgs();
  patchRaw();
  patchLexer();
}
