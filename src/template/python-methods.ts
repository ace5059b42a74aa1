import { bindArgs } from './args.js';
import { TemplateError } from './errors.js';
import { pyEquals } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { isDict, objectTypeRepr, plain, tuple } from './python-types.js';
import { StrictUndefined, isUndefined } from './undefined.js';

type Method = (self: any, args: unknown[]) => unknown;

function text(value: unknown): string {
  if (isUndefined(value)) value.fail();
  return pythonStr(value);
}

/** Python's str.split, shared with the `split` filter. */
export function pySplit(value: string, separator: unknown = null, maxsplit: unknown = -1): string[] {
  const limit = Number(maxsplit);
  if (separator === null || separator === undefined) {
    const parts: string[] = [];
    let rest = value.replace(/^\s+/, '');
    while (rest.length > 0) {
      const gap = /\s+/.exec(rest);
      if ((limit >= 0 && parts.length === limit) || !gap) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, gap.index));
      rest = rest.slice(gap.index + gap[0].length);
    }
    return parts;
  }
  const sep = text(separator);
  if (sep === '') throw new TemplateError('empty separator');
  const parts = value.split(sep);
  return limit >= 0 && parts.length > limit + 1 ? [...parts.slice(0, limit), parts.slice(limit).join(sep)] : parts;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Python's str.strip/lstrip/rstrip with an optional set of characters. */
export function pyStrip(value: string, chars: unknown = null, side: 'both' | 'left' | 'right' = 'both'): string {
  const set = chars === null || chars === undefined ? '\\s' : `[${escapeRegExp(text(chars))}]`;
  let result = value;
  if (side !== 'right') result = result.replace(new RegExp(`^(?:${set})+`, 'u'), '');
  if (side !== 'left') result = result.replace(new RegExp(`(?:${set})+$`, 'u'), '');
  return result;
}

export function pyCapitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
}

export function pyTitle(value: string): string {
  return value.replace(/\p{L}+/gu, (word) => pyCapitalize(word));
}

function affixes(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text) : [text(value)];
}

/** Python's str.format with {} / {0} / {name} fields (no format specs). */
function strFormat(template: string, args: unknown[]): string {
  const positional = args.filter((arg) => !(arg !== null && typeof arg === 'object' && Object.hasOwn(arg, '__keywords')));
  const keywords = (args.find((arg) => arg !== null && typeof arg === 'object' && Object.hasOwn(arg, '__keywords')) ?? {}) as Record<string, unknown>;
  let next = 0;
  return template.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::[^{}]*)?\}/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const name = field ?? '';
    const value = name === '' ? positional[next++] : /^\d+$/.test(name) ? positional[Number(name)] : keywords[name];
    return text(value);
  });
}

const STRING_METHODS: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  capitalize: (s: string) => pyCapitalize(s),
  title: (s: string) => pyTitle(s),
  strip: (s: string, args) => pyStrip(s, args[0]),
  lstrip: (s: string, args) => pyStrip(s, args[0], 'left'),
  rstrip: (s: string, args) => pyStrip(s, args[0], 'right'),
  startswith: (s: string, args) => affixes(args[0]).some((prefix) => s.startsWith(prefix)),
  endswith: (s: string, args) => affixes(args[0]).some((suffix) => s.endsWith(suffix)),
  split: (s: string, args) => {
    const [sep, maxsplit] = bindArgs('split', args, ['sep', 'maxsplit'], [null, -1]);
    return pySplit(s, sep, maxsplit);
  },
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  replace: (s: string, args) => {
    const [old, replacement, count] = bindArgs('replace', args, ['old', 'new', 'count'], [undefined, undefined, -1]);
    const parts = s.split(text(old));
    const limit = Number(count);
    if (limit < 0 || parts.length - 1 <= limit) return parts.join(text(replacement));
    return parts.slice(0, limit + 1).join(text(replacement)) + text(old) + parts.slice(limit + 1).join(text(old));
  },
  join: (s: string, args) => (args[0] as unknown[]).map(text).join(s),
  find: (s: string, args) => s.indexOf(text(args[0])),
  rfind: (s: string, args) => s.lastIndexOf(text(args[0])),
  index: (s: string, args) => {
    const at = s.indexOf(text(args[0]));
    if (at < 0) throw new TemplateError('substring not found');
    return at;
  },
  count: (s: string, args) => s.split(text(args[0])).length - 1,
  format: (s: string, args) => strFormat(s, args),
  zfill: (s: string, args) => (/^[-+]/.test(s) ? s[0] + s.slice(1).padStart(Number(args[0]) - 1, '0') : s.padStart(Number(args[0]), '0')),
  ljust: (s: string, args) => s.padEnd(Number(args[0]), args[1] === undefined ? ' ' : text(args[1])),
  rjust: (s: string, args) => s.padStart(Number(args[0]), args[1] === undefined ? ' ' : text(args[1])),
  center: (s: string, args) => {
    const width = Number(args[0]);
    const fill = args[1] === undefined ? ' ' : text(args[1]);
    const left = Math.floor((width - s.length) / 2);
    return s.length >= width ? s : fill.repeat(left) + s + fill.repeat(width - s.length - left);
  },
  isdigit: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\d]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
};

const DICT_METHODS: Record<string, Method> = {
  items: (d: Record<string, unknown>) => Object.entries(d).map(tuple),
  keys: (d: Record<string, unknown>) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.values(d),
  get: (d: Record<string, unknown>, args) => {
    const key = text(args[0]);
    return Object.hasOwn(d, key) ? d[key] : (args[1] ?? null);
  },
  copy: (d: Record<string, unknown>) => ({ ...d }),
  update: (d: Record<string, unknown>, args) => {
    for (const arg of args) {
      const { __keywords: _marker, ...entries } = arg as Record<string, unknown>;
      Object.assign(d, entries);
    }
    return null;
  },
};

function indexOf(list: unknown[], item: unknown): number {
  return list.findIndex((element) => pyEquals(element, item));
}

const LIST_METHODS: Record<string, Method> = {
  index: (l: unknown[], args) => {
    const at = indexOf(l, args[0]);
    if (at < 0) throw new TemplateError(`${pythonStr(args[0])} is not in list`);
    return at;
  },
  count: (l: unknown[], args) => l.filter((element) => pyEquals(element, args[0])).length,
  append: (l: unknown[], args) => (l.push(args[0]), null),
  extend: (l: unknown[], args) => (l.push(...(args[0] as unknown[])), null),
  insert: (l: unknown[], args) => (l.splice(Number(args[0]), 0, args[1]), null),
  pop: (l: unknown[], args) => {
    if (l.length === 0) throw new TemplateError('pop from empty list');
    const at = args[0] === undefined ? l.length - 1 : Number(args[0]);
    return l.splice(at < 0 ? l.length + at : at, 1)[0];
  },
  remove: (l: unknown[], args) => {
    const at = indexOf(l, args[0]);
    if (at < 0) throw new TemplateError('list.remove(x): x not in list');
    l.splice(at, 1);
    return null;
  },
  copy: (l: unknown[]) => [...l],
};

/** A method bound to its object, printed as Python prints one (`<built-in method values of dict object at 0x...>`). */
function bound(methods: Record<string, Method>, name: string, self: unknown): (...args: unknown[]) => unknown {
  const call = (...args: unknown[]) => methods[name](self, args.map(plain));
  return Object.assign(call, { pythonRepr: `<built-in method ${name} of ${objectTypeRepr(self)} at 0x7f0000000000>` });
}

function missing(obj: unknown, key: unknown): StrictUndefined {
  const name = String(key);
  const message = typeof key === 'number' ? `${objectTypeRepr(obj)} has no element ${name}` : `'${objectTypeRepr(obj)}' has no attribute '${name}'`;
  return new StrictUndefined(message, name);
}

function isIndex(key: unknown): key is number {
  return typeof key === 'number' && Number.isInteger(key);
}

/**
 * `obj.key` and `obj[key]` in Jinja: dict keys (before Python methods), list and string indexes
 * (negative from the end), Python's str/dict/list methods; anything missing is a StrictUndefined.
 */
export function memberLookup(target: unknown, rawKey: unknown): unknown {
  if (isUndefined(target)) return target;
  const key = plain(rawKey);
  if (isUndefined(key)) key.fail();
  const obj = plain(target);
  if (obj === null || obj === undefined) return missing(null, key);
  if (typeof obj === 'string' || Array.isArray(obj)) {
    if (isIndex(key)) {
      const at = key < 0 ? obj.length + key : key;
      return at >= 0 && at < obj.length ? obj[at] : missing(obj, key);
    }
    // groupby's [grouper, list] pairs also carry named fields.
    if (Array.isArray(obj) && typeof key === 'string' && key !== 'length' && Object.hasOwn(obj, key)) return (obj as unknown as Record<string, unknown>)[key];
    const methods = typeof obj === 'string' ? STRING_METHODS : LIST_METHODS;
    return typeof key === 'string' && Object.hasOwn(methods, key) ? bound(methods, key, obj) : missing(obj, key);
  }
  if (isDict(obj)) {
    const name = String(key);
    if (Object.hasOwn(obj, name)) return obj[name];
    return Object.hasOwn(DICT_METHODS, name) ? bound(DICT_METHODS, name, obj) : missing(obj, key);
  }
  if (typeof obj === 'object' || typeof obj === 'function') {
    const value = (obj as Record<string, unknown>)[String(key)];
    if (typeof value === 'function') return (value as Function).bind(obj);
    return value === undefined ? missing(obj, key) : value;
  }
  return missing(obj, key);
}

/** `obj.name` in Jinja (getattr first): a dict's own methods (`d.items`, `d.values`) come before its keys of the same name. */
export function attributeLookup(target: unknown, name: unknown): unknown {
  const obj = plain(target);
  if (isDict(obj) && typeof name === 'string' && Object.hasOwn(DICT_METHODS, name)) return bound(DICT_METHODS, name, obj);
  return memberLookup(target, name);
}

function sliceBound(value: unknown, length: number, step: number, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  const index = Number(value);
  if (index < 0) return Math.max(index + length, step < 0 ? -1 : 0);
  return Math.min(index, step < 0 ? length - 1 : length);
}

/** Python slicing: `seq[start:stop:step]` on lists and strings. */
export function sliceLookup(target: unknown, start: unknown, stop: unknown, stepValue: unknown): unknown {
  if (isUndefined(target)) target.fail();
  const obj = plain(target);
  if (!Array.isArray(obj) && typeof obj !== 'string') throw new TemplateError(`'${objectTypeRepr(obj)}' is not subscriptable`);
  const step = stepValue === null || stepValue === undefined ? 1 : Number(stepValue);
  if (step === 0) throw new TemplateError('slice step cannot be zero');
  const length = obj.length;
  const from = sliceBound(start, length, step, step > 0 ? 0 : length - 1);
  const to = sliceBound(stop, length, step, step > 0 ? length : -1);
  const picked: unknown[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) picked.push(obj[i]);
  return typeof obj === 'string' ? picked.join('') : picked;
}
