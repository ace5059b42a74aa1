import { TemplateError } from './errors.js';

/** nunjucks passes `f(a, b=1)` as (a, {b: 1, __keywords: true}). */
export function splitArgs(args: readonly unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && Object.hasOwn(last, '__keywords')) {
    const { __keywords: _marker, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/**
 * Binds call arguments to parameter names the Python way (positional first, then by keyword),
 * filling defaults. Returns the values in parameter order.
 */
export function bindArgs(callee: string, args: readonly unknown[], names: readonly string[], defaults: readonly unknown[] = []): unknown[] {
  const { positional, keywords } = splitArgs(args);
  if (positional.length > names.length) throw new TemplateError(`${callee}() takes at most ${names.length} arguments (${positional.length} given)`);
  for (const key of Object.keys(keywords)) {
    if (!names.includes(key)) throw new TemplateError(`${callee}() got an unexpected keyword argument '${key}'`);
  }
  return names.map((name, i) => (i < positional.length ? positional[i] : Object.hasOwn(keywords, name) ? keywords[name] : defaults[i]));
}
