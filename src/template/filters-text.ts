import { bindArgs, splitArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { pyCapitalize, pySplit, pyStrip, pyTitle } from './python-methods.js';
import { percentFormat, truthy } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { pyTypeName } from './python-types.js';
import { expandReplacement, findAll, firstMatch, groupOf, pyRegex } from './regex.js';
import { type JsonOptions, fromYaml, fromYamlAll, toPythonJson, toYaml } from './serialize.js';
import { isUndefined } from './undefined.js';

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true']);

/** Ansible's `bool`: yes/on/1/true (any case) are true, None stays None, anything else is false. */
export function toBool(value: unknown): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  return TRUE_WORDS.has(pythonStr(value).toLowerCase());
}

const INTEGER_SYNTAX: Record<number, RegExp> = {
  2: /^[-+]?(0b)?[01_]+$/i,
  8: /^[-+]?(0o)?[0-7_]+$/i,
  10: /^[-+]?\d[\d_]*$/,
  16: /^[-+]?(0x)?[0-9a-f_]+$/i,
};

function parseInteger(text: string, base: number): number | undefined {
  const syntax = INTEGER_SYNTAX[base];
  if (!syntax?.test(text)) return undefined;
  const negative = text.startsWith('-');
  const digits = text.replace(/^[-+]/, '').replace(/^0[box]/i, '').replace(/_/g, '');
  const value = parseInt(digits, base);
  return negative ? -value : value;
}

function parseFloatStrict(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(trimmed)) return NaN;
  return /^[-+]?(\d[\d_]*\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(trimmed) ? Number(trimmed.replace(/_/g, '')) : undefined;
}

/** Jinja's `int`: '3.7' is 3, anything unparsable is the default. */
function toInt(value: unknown, ...args: unknown[]): unknown {
  const [fallback, base] = bindArgs('int', args, ['default', 'base'], [0, 10]);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'string') {
    const integer = parseInteger(value.trim(), Number(base));
    if (integer !== undefined) return integer;
    const float = parseFloatStrict(value);
    return float !== undefined && Number.isFinite(float) ? Math.trunc(float) : fallback;
  }
  return fallback;
}

function toFloat(value: unknown, ...args: unknown[]): unknown {
  const [fallback] = bindArgs('float', args, ['default'], [0]);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseFloatStrict(value) ?? fallback;
  return fallback;
}

/** Python's round(): half to even, as Jinja's `round` with method 'common' inherits it. */
function round(value: unknown, ...args: unknown[]): number {
  const [precision, method] = bindArgs('round', args, ['precision', 'method'], [0, 'common']);
  const factor = 10 ** Number(precision);
  const scaled = Number(value) * factor;
  if (method === 'ceil') return Math.ceil(scaled) / factor;
  if (method === 'floor') return Math.floor(scaled) / factor;
  if (method !== 'common') throw new TemplateError('method must be common, ceil or floor');
  const nearest = Math.round(scaled);
  const tie = Math.abs(scaled % 1) === 0.5;
  return (tie ? 2 * Math.round(scaled / 2) : nearest) / factor;
}

function regexOptions(keywords: Record<string, unknown>): { ignorecase: unknown; multiline: unknown } {
  return { ignorecase: keywords.ignorecase, multiline: keywords.multiline };
}

function regexReplace(value: unknown, ...args: unknown[]): string {
  const [pattern, replacement, ignorecase, multiline, count] = bindArgs('regex_replace', args, ['pattern', 'replacement', 'ignorecase', 'multiline', 'count'], ['', '', false, false, 0]);
  const input = pythonStr(value);
  const template = pythonStr(replacement);
  const limit = Number(count) || Infinity;
  let output = '';
  let consumed = 0;
  let replaced = 0;
  for (const match of input.matchAll(pyRegex(pythonStr(pattern), { ignorecase, multiline }, 'g'))) {
    if (replaced++ >= limit) break;
    output += input.slice(consumed, match.index) + expandReplacement(template, match);
    consumed = match.index + match[0].length;
  }
  return output + input.slice(consumed);
}

/** regex_search: the match, or the listed groups ('\\1', '\\g<name>'); None when nothing matches. */
function regexSearch(value: unknown, pattern: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args);
  const refs = positional.map((arg) => {
    const ref = /^\\g<(\S+)>$/.exec(pythonStr(arg)) ?? /^\\(\d+)$/.exec(pythonStr(arg));
    if (!ref) throw new TemplateError('Unknown argument');
    return ref[1];
  });
  const match = firstMatch(pythonStr(value), pyRegex(pythonStr(pattern), regexOptions(keywords)), false);
  if (!match) return null;
  return refs.length === 0 ? match[0] : refs.map((ref) => groupOf(match, ref));
}

/** Python's re.escape (only the characters special to re), or a POSIX basic regex's escapes. */
function regexEscape(value: unknown, ...args: unknown[]): string {
  const [reType] = bindArgs('regex_escape', args, ['re_type'], ['python']);
  const text = pythonStr(value);
  if (reType === 'python') return text.replace(/[ #$&()*+\-.?[\\\]^{|}~\t\n\r\v\f]/g, '\\$&');
  if (reType === 'posix_basic') return text.replace(/[\].[^$*\\]/g, '\\$&');
  if (reType === 'posix_extended') throw new TemplateError(`Regex type (${pythonStr(reType)}) not yet implemented`);
  throw new TemplateError(`Invalid regex type (${pythonStr(reType)})`);
}

function regexFindall(value: unknown, ...args: unknown[]): unknown[] {
  const [pattern, multiline, ignorecase] = bindArgs('regex_findall', args, ['regex', 'multiline', 'ignorecase'], ['', false, false]);
  return findAll(pythonStr(value), pyRegex(pythonStr(pattern), { multiline, ignorecase }));
}





/** Jinja's indent: every line but the first (unless first=true), blank lines only with blank=true. */
function indent(value: unknown, ...args: unknown[]): string {
  const [width, first, blank] = bindArgs('indent', args, ['width', 'first', 'blank'], [4, false, false]);
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const [head, ...rest] = pythonStr(value).split('\n');
  const body = [head, ...rest.map((line) => (line || blank ? pad + line : line))].join('\n');
  return first ? pad + body : body;
}

/** Jinja's truncate, including its leeway: text at most 5 characters too long is left whole. */
function truncate(value: string, ...args: unknown[]): string {
  const [length, killwords, end, leeway] = bindArgs('truncate', args, ['length', 'killwords', 'end', 'leeway'], [255, false, '...', 5]);
  const limit = Number(length);
  const suffix = pythonStr(end);
  if (value.length <= limit + Number(leeway)) return value;
  const cut = value.slice(0, limit - suffix.length);
  return (truthy(killwords) ? cut : cut.replace(/ [^ ]*$/, '')) + suffix;
}

function jsonOptions(args: unknown[], indentDefault: number | null, sortDefault: boolean): JsonOptions {
  const { keywords } = splitArgs(args);
  return {
    indent: keywords.indent === undefined || keywords.indent === null ? indentDefault : Number(keywords.indent),
    sortKeys: keywords.sort_keys === undefined ? sortDefault : Boolean(keywords.sort_keys),
    separators: Array.isArray(keywords.separators) ? [pythonStr(keywords.separators[0]), pythonStr(keywords.separators[1])] : undefined,
  };
}

function fromJson(value: unknown): unknown {
  try {
    return JSON.parse(pythonStr(value));
  } catch (error) {
    throw new TemplateError(`from_json: ${(error as Error).message}`);
  }
}

/** Ansible's mandatory: fails with "Mandatory variable 'x' not defined." (or msg) when undefined. */
function mandatory(value: unknown, msg: unknown = null): unknown {
  if (!isUndefined(value)) return value;
  if (msg !== null && msg !== undefined) throw new TemplateError(pythonStr(msg));
  throw new TemplateError(`Mandatory variable '${value.name}' not defined.`);
}

function defaultFilter(value: unknown, ...args: unknown[]): unknown {
  const [fallback, boolean] = bindArgs('default', args, ['default_value', 'boolean'], ['', false]);
  if (isUndefined(value)) return fallback;
  if (boolean && !truthy(value)) return fallback;
  return value;
}

function ternary(value: unknown, ...args: unknown[]): unknown {
  const [whenTrue, whenFalse, whenNone] = bindArgs('ternary', args, ['true_val', 'false_val', 'none_val'], [undefined, undefined, null]);
  if (value === null && whenNone !== null) return whenNone;
  return truthy(value) ? whenTrue : whenFalse;
}

function text(fn: (value: string, ...args: any[]) => unknown): Callable {
  return (value: unknown, ...args: unknown[]) => fn(pythonStr(value), ...args);
}

/** Filters on strings, numbers and encodings (Jinja builtins and Ansible's core filters). */
/** Python's shlex.quote, which Ansible's `quote` filter is: plain words as they are, anything else in single quotes. */
function shlexQuote(text: string): string {
  if (text === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

export const TEXT_FILTERS: Record<string, Callable> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory,
  ternary,
  bool: toBool,
  int: toInt,
  float: toFloat,
  string: (value: unknown) => pythonStr(value),
  abs: (value: unknown) => Math.abs(Number(value)),
  pow: (value: unknown, exponent: unknown) => Number(value) ** Number(exponent),
  log: (value: unknown, base: unknown = Math.E) => Math.log(Number(value)) / Math.log(Number(base)),
  root: (value: unknown, base: unknown = 2) => (Number(base) === 2 ? Math.sqrt(Number(value)) : Number(value) ** (1 / Number(base))),
  round,
  lower: text((s) => s.toLowerCase()),
  upper: text((s) => s.toUpperCase()),
  capitalize: text(pyCapitalize),
  title: text(pyTitle),
  trim: text((s, chars = null) => pyStrip(s, chars)),
  replace: text((s, old, replacement, count = null) => {
    const parts = s.split(pythonStr(old));
    if (count === null || parts.length - 1 <= Number(count)) return parts.join(pythonStr(replacement));
    return parts.slice(0, Number(count) + 1).join(pythonStr(replacement)) + pythonStr(old) + parts.slice(Number(count) + 1).join(pythonStr(old));
  }),
  split: text((s, ...args) => {
    const [sep, maxsplit] = bindArgs('split', args, ['sep', 'maxsplit'], [null, -1]);
    return pySplit(s, sep, maxsplit);
  }),
  format: text((s, ...args) => {
    const { positional, keywords } = splitArgs(args);
    return percentFormat(s, Object.keys(keywords).length > 0 ? keywords : positional);
  }),
  indent,
  truncate: text(truncate),
  b64encode: text((s) => Buffer.from(s, 'utf8').toString('base64')),
  b64decode: text((s) => Buffer.from(s, 'base64').toString('utf8')),
  regex_replace: regexReplace,
  regex_search: regexSearch,
  regex_findall: regexFindall,
  regex_escape: regexEscape,
  quote: (value: unknown) => shlexQuote(value === null ? '' : pythonStr(value)),
  to_json: (value: unknown, ...args: unknown[]) => toPythonJson(value, jsonOptions(args, null, false)),
  to_nice_json: (value: unknown, ...args: unknown[]) => toPythonJson(value, jsonOptions(args, 4, true)),
  tojson: (value: unknown, ...args: unknown[]) => toPythonJson(value, jsonOptions(args, null, true)),
  from_json: fromJson,
  to_yaml: (value: unknown, ...args: unknown[]) => toYaml(value, Number(splitArgs(args).keywords.indent ?? 2), true),
  to_nice_yaml: (value: unknown, ...args: unknown[]) => toYaml(value, Number(splitArgs(args).keywords.indent ?? 4), false),
  from_yaml: text(fromYaml),
  from_yaml_all: text(fromYamlAll),
  type_debug: (value: unknown) => pyTypeName(value),
};
