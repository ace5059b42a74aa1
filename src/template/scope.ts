import type { TextOptions } from './text-options.js';

/** What the running template can reach beyond its own text: the variables and files of the Templar rendering it. */
export interface Scope {
  /** A variable's value, lazily templated; MISSING when there is no such variable. */
  resolve(name: string): unknown;
  /** The names of all variables (the varnames lookup). */
  variableNames(): string[];
  /** Where lookup('file') and lookup('template') look for relative paths, the last one being the playbook's folder. */
  readonly searchPaths: readonly string[];
  /** The running template used a value it must not template again (a lookup's result): what it gives is unsafe. */
  noteUnsafe(): void;
  /** Renders a whole template file's text with the same variables. */
  renderText(text: string, options?: TextOptions): string;
}

export const MISSING: unique symbol = Symbol('missing variable');

let active: Scope | undefined;

/** Rendering is synchronous, so the scope in force is simply the innermost one entered. */
export function inScope<T>(scope: Scope, run: () => T): T {
  const previous = active;
  active = scope;
  try {
    return run();
  } finally {
    active = previous;
  }
}

/** Tells the running template, if any, that it read an unsafe value through a view of its own (hostvars). */
export function noteUnsafeRead(): void {
  active?.noteUnsafe();
}

export function currentScope(): Scope {
  if (!active) throw new Error('template rendered outside of a Templar');
  return active;
}
