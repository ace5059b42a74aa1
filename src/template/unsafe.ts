import { isDict, isTuple, tuple } from './python-types.js';

/**
 * Ansible's `!unsafe 'text'`, and text a template built from unsafe values: text that is never templated. A String
 * object (as Jinja's SafeString), as a primitive string cannot carry the mark. Variables may hold it; templates read
 * it as plain text, and modules get it as plain text (stripUnsafe).
 */
export class UnsafeText extends String {}

const unsafe = new WeakSet<object>();

/**
 * Marks data that must never be templated, such as registered module results whose output may contain "{{"
 * (Ansible's "unsafe" values); a template that reads it gives an unsafe result in turn. Returns the value.
 */
export function markUnsafe<T>(value: T): T {
  if (value !== null && typeof value === 'object') unsafe.add(value);
  return value;
}

/** Whether templating must leave the value as it is: unsafe text, or a list or dict marked unsafe. */
export function isUnsafe(value: unknown): boolean {
  return value instanceof UnsafeText || (value !== null && typeof value === 'object' && unsafe.has(value));
}

/**
 * A template's list or dict result built from unsafe values is unsafe too (Ansible wraps it). It is marked as a copy:
 * the result may be a variable's own list, which stays safe where it is used on its own.
 */
export function unsafeResult(value: unknown): unknown {
  if (isUnsafe(value)) return value;
  if (Array.isArray(value)) return markUnsafe(isTuple(value) ? tuple([...value]) : [...value]);
  if (isDict(value)) return markUnsafe({ ...value });
  return value;
}

/** Ansible's wrap_var: text becomes unsafe text, a list or dict an unsafe copy; other values have nothing to template. */
export function wrapUnsafe(value: unknown): unknown {
  return typeof value === 'string' ? new UnsafeText(value) : unsafeResult(value);
}

/**
 * The value with plain text in place of unsafe text, for what takes strings only (module arguments, lookups, output).
 * Lists and dicts are copied only where something changed, keeping their unsafe mark.
 */
export function stripUnsafe(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof UnsafeText) return value.toString();
  // Every task's arguments and result pass here: nothing is copied (or allocated) until something changes.
  if (Array.isArray(value)) {
    let items: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item = stripUnsafe(value[index]);
      if (item !== value[index]) (items ??= value.slice())[index] = item;
    }
    return items === undefined ? value : copyMark(value, isTuple(value) ? tuple(items) : items);
  }
  if (isDict(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = stripUnsafe(value[key]);
      if (item !== value[key]) (copy ??= { ...value })[key] = item;
    }
    return copy === undefined ? value : copyMark(value, copy);
  }
  return value;
}

function copyMark<T>(original: object, copy: T): T {
  return unsafe.has(original) ? markUnsafe(copy) : copy;
}
