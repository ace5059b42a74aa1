import { plain } from './python-types.js';
import { isUndefined } from './undefined.js';

/** Filters, tests and globals are called by compiled templates with the nunjucks Context as `this`. */
export interface TemplateContext {
  env: {
    getFilter(name: string): Callable;
    getTest(name: string): Callable;
  };
}

export type Callable = (this: TemplateContext, ...args: any[]) => unknown;

function failOnUndefined(args: unknown[]): void {
  for (const arg of args) {
    if (isUndefined(arg)) arg.fail();
    if (arg !== null && typeof arg === 'object' && Object.hasOwn(arg, '__keywords')) failOnUndefined(Object.values(arg));
  }
}

/**
 * Strict undefined handling and plain strings (not nunjucks SafeStrings) for a filter or test. A filter that
 * accepts undefined (default) takes undefined arguments too: as in Jinja, `x | default(y.missing)` fails only
 * when the fallback is used.
 */
export function guarded(fn: Callable, acceptsUndefined: boolean): Callable {
  return function (this: TemplateContext, value: unknown, ...args: unknown[]) {
    if (!acceptsUndefined) {
      if (isUndefined(value)) value.fail();
      failOnUndefined(args);
    }
    return fn.call(this, plain(value), ...args.map(plain));
  };
}

/** Ansible's fully qualified names (ansible.builtin.to_json) next to the short ones. */
export function withBuiltinAliases(table: Record<string, Callable>): Record<string, Callable> {
  const aliased: Record<string, Callable> = {};
  for (const [name, fn] of Object.entries(table)) aliased[name] = aliased[`ansible.builtin.${name}`] = fn;
  return aliased;
}
