/** How template values map onto Python's types, which Ansible users see in messages and output. */

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Strings, including nunjucks' SafeString (a String object) returned by macros and `safe`. */
export function isText(value: unknown): value is string | String {
  return typeof value === 'string' || value instanceof String;
}

const tuples = new WeakSet<unknown[]>();

/** Marks a list as a Python tuple: it prints as (a, b) and reports its type as tuple; it is a list otherwise. */
export function tuple<T extends unknown[]>(items: T): T {
  tuples.add(items);
  return items;
}

export function isTuple(value: unknown): value is unknown[] {
  return Array.isArray(value) && tuples.has(value);
}

/** A SafeString becomes a plain string; everything else is unchanged. */
export function plain(value: unknown): unknown {
  return value instanceof String ? value.toString() : value;
}

export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (isText(value)) return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return tuples.has(value) ? 'tuple' : 'list';
  if (isDict(value)) return 'dict';
  if (typeof value === 'function') return 'function';
  return value.constructor?.name ?? 'object';
}

/** Jinja's object_type_repr, as used in "'dict object' has no attribute 'x'". */
export function objectTypeRepr(value: unknown): string {
  return value === null || value === undefined ? 'None' : `${pyTypeName(value)} object`;
}
