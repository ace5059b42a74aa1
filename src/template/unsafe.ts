import { isDict, isTuple, tuple } from './python-types.js';

/**
 * Ansible's `!unsafe 'text'`: text that is never templated. A String object (as Jinja's SafeString), so code that
 * takes any text takes it too; the Templar hands it on as plain text, untemplated.
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

/** Whether templating must leave the value as it is: `!unsafe` text, or a list or dict marked unsafe. */
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
