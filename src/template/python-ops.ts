import { TemplateError } from './errors.js';
import { pythonRepr, pythonStr } from './python-repr.js';
import { isDict, plain, pyTypeName } from './python-types.js';
import { isUndefined } from './undefined.js';

/** The value as Python would use it: SafeString as string, undefined refused. */
function operand(value: unknown): unknown {
  if (isUndefined(value)) value.fail();
  return plain(value);
}

/** Python's bool(): empty strings, lists and dicts are false too. */
export function truthy(value: unknown): boolean {
  const v = operand(value);
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

function isNumeric(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

/** Python's ==: deep for lists and dicts, 1 == 1.0 == True, '1' != 1. */
export function pyEquals(left: unknown, right: unknown): boolean {
  const a = operand(left);
  const b = operand(right);
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => pyEquals(item, b[i]));
  if (isDict(a) && isDict(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && pyEquals(a[key], b[key]));
  }
  return a === b;
}

function unorderable(op: string, a: unknown, b: unknown): never {
  throw new TemplateError(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python's ordering: negative, zero or positive; mixing types is a TypeError. */
export function pyOrder(left: unknown, right: unknown, op = '<'): number {
  const a = operand(left);
  const b = operand(right);
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyOrder(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  return unorderable(op, a, b);
}

function compareOnce(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==': case '===': return pyEquals(a, b);
    case '!=': case '!==': return !pyEquals(a, b);
    case '<': return pyOrder(a, b, op) < 0;
    case '>': return pyOrder(a, b, op) > 0;
    case '<=': return pyOrder(a, b, op) <= 0;
    case '>=': return pyOrder(a, b, op) >= 0;
    default: throw new TemplateError(`unknown comparison ${op}`);
  }
}

/** A comparison chain as Python reads it: `a < b < c` is `a < b and b < c`. */
export function pyCompare(first: unknown, rest: unknown[]): boolean {
  let left = first;
  for (let i = 0; i < rest.length; i += 2) {
    const right = rest[i + 1];
    if (!compareOnce(left, rest[i] as string, right)) return false;
    left = right;
  }
  return true;
}

/** Python's `in`: substring for strings, deep equality for lists, keys for dicts. */
export function pyContains(container: unknown, item: unknown): boolean {
  const haystack = operand(container);
  const needle = operand(item);
  if (typeof haystack === 'string') {
    if (typeof needle !== 'string') throw new TemplateError(`'in <string>' requires string as left operand, not ${pyTypeName(needle)}`);
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) return haystack.some((element) => pyEquals(element, needle));
  if (isDict(haystack)) return Object.hasOwn(haystack, pythonStr(needle));
  throw new TemplateError(`argument of type '${pyTypeName(haystack)}' is not iterable`);
}

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new TemplateError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function repeat(sequence: unknown, times: number): unknown {
  if (typeof sequence === 'string') return sequence.repeat(Math.max(0, times));
  return Array.from({ length: Math.max(0, times) }, () => sequence as unknown[]).flat();
}

/** Python's binary arithmetic: + - * / // % ** */
export function pyArithmetic(op: string, left: unknown, right: unknown): unknown {
  const a = operand(left);
  const b = operand(right);
  if (op === '%' && typeof a === 'string') return percentFormat(a, b);
  if (isNumeric(a) && isNumeric(b)) {
    const x = Number(a);
    const y = Number(b);
    if (y === 0 && (op === '/' || op === '//' || op === '%')) throw new TemplateError(op === '/' ? 'division by zero' : 'integer division or modulo by zero');
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': return x / y;
      case '//': return Math.floor(x / y);
      case '%': return ((x % y) + y) % y;
      case '**': return x ** y;
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (typeof a === 'string' || Array.isArray(a)) {
      const kind = pyTypeName(a);
      throw new TemplateError(`can only concatenate ${kind} (not "${pyTypeName(b)}") to ${kind}`);
    }
  }
  if (op === '*') {
    if ((typeof a === 'string' || Array.isArray(a)) && typeof b === 'number' && Number.isInteger(b)) return repeat(a, b);
    if ((typeof b === 'string' || Array.isArray(b)) && typeof a === 'number' && Number.isInteger(a)) return repeat(b, a);
  }
  return unsupported(op, a, b);
}

export function pyNegate(value: unknown, sign: 1 | -1): number {
  const v = operand(value);
  if (!isNumeric(v)) throw new TemplateError(`bad operand type for unary ${sign < 0 ? '-' : '+'}: '${pyTypeName(v)}'`);
  return sign * Number(v);
}

/** Jinja's `~`: both sides as Python str. */
export function pyConcat(left: unknown, right: unknown): string {
  return pythonStr(operand(left)) + pythonStr(operand(right));
}

const PERCENT_SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g;

function formatNumber(value: unknown, conversion: string, precision: number | undefined): string {
  const n = Number(operand(value));
  if (Number.isNaN(n) && typeof value !== 'number') throw new TemplateError(`%${conversion} format: a real number is required, not ${pyTypeName(value)}`);
  switch (conversion) {
    case 'd': case 'i': case 'u': return String(Math.trunc(n));
    case 'o': return Math.trunc(n).toString(8);
    case 'x': return Math.trunc(n).toString(16);
    case 'X': return Math.trunc(n).toString(16).toUpperCase();
    case 'e': case 'E': {
      const text = n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return conversion === 'E' ? text.toUpperCase() : text;
    }
    case 'g': case 'G': {
      const text = String(Number(n.toPrecision(precision || 6)));
      return conversion === 'G' ? text.toUpperCase() : text;
    }
    default: return n.toFixed(precision ?? 6);
  }
}

/** Python's printf-style `'%s-%d' % (a, b)`, also the `format` filter. */
export function percentFormat(format: string, args: unknown): string {
  const positional = Array.isArray(args) ? [...args] : [args];
  const named = isDict(args) ? args : undefined;
  const result = format.replace(PERCENT_SPEC, (_match, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string) => {
    if (conversion === '%') return '%';
    const value = key !== undefined && named ? named[key] : positional.shift();
    const size = width === '*' ? Number(positional.shift()) : Number(width ?? 0);
    const digits = precision === undefined ? undefined : Number(precision);
    let text: string;
    if (conversion === 's' || conversion === 'a') text = pythonStr(operand(value));
    else if (conversion === 'r') text = pythonRepr(operand(value));
    else if (conversion === 'c') text = typeof value === 'number' ? String.fromCodePoint(value) : pythonStr(value);
    else {
      text = formatNumber(value, conversion, digits);
      if (flags.includes('+') && !text.startsWith('-')) text = `+${text}`;
      else if (flags.includes(' ') && !text.startsWith('-')) text = ` ${text}`;
    }
    if ((conversion === 's' || conversion === 'r') && digits !== undefined) text = text.slice(0, digits);
    if (text.length >= size) return text;
    if (flags.includes('-')) return text.padEnd(size);
    if (flags.includes('0') && !'srac'.includes(conversion)) {
      const sign = /^[-+ ]/.test(text) ? text[0] : '';
      return sign + text.slice(sign.length).padStart(size - sign.length, '0');
    }
    return text.padStart(size);
  });
  if (!named && positional.length > 0 && Array.isArray(args)) throw new TemplateError('not all arguments converted during string formatting');
  return result;
}

