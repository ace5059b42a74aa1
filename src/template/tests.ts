import { isAbsolute } from 'node:path';
import { bindArgs } from './args.js';
import { type Callable, guarded, withBuiltinAliases } from './callable.js';
import { TemplateError } from './errors.js';
import { toBool } from './filters-text.js';
import { pyCompare, pyContains, pyEquals, truthy } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { type Dict, isDict, isText, plain } from './python-types.js';
import { firstMatch, pyRegex } from './regex.js';
import { isUndefined } from './undefined.js';
import { VERSION_TYPES } from './versions.js';

function comparison(op: string): Callable {
  return (value: unknown, other: unknown) => pyCompare(value, [op, other]);
}

function matching(kind: 'match' | 'search'): Callable {
  return (value: unknown, ...args: unknown[]) => {
    const [pattern, ignorecase, multiline, matchType] = bindArgs(kind, args, ['pattern', 'ignorecase', 'multiline', 'match_type'], ['', false, false, kind]);
    return firstMatch(pythonStr(value), pyRegex(pythonStr(pattern), { ignorecase, multiline }), matchType === 'match') !== null;
  };
}

const VERSION_OPERATORS: Record<string, (order: number) => boolean> = {
  '==': (o) => o === 0, '=': (o) => o === 0, eq: (o) => o === 0,
  '<': (o) => o < 0, lt: (o) => o < 0,
  '<=': (o) => o <= 0, le: (o) => o <= 0,
  '>': (o) => o > 0, gt: (o) => o > 0,
  '>=': (o) => o >= 0, ge: (o) => o >= 0,
  '!=': (o) => o !== 0, '<>': (o) => o !== 0, ne: (o) => o !== 0,
};

/** Ansible's version test: loose (default), strict=true, or version_type loose/strict/semver/semantic. */
function version(value: unknown, ...args: unknown[]): boolean {
  const [other, operator, strict, versionType] = bindArgs('version', args, ['version', 'operator', 'strict', 'version_type'], ['', 'eq', null, null]);
  if (strict !== null && versionType !== null) throw new TemplateError("Cannot specify both 'strict' and 'version_type'");
  if (!truthy(value)) throw new TemplateError('Input version value cannot be empty');
  if (!truthy(other)) throw new TemplateError('Version parameter to compare against cannot be empty');
  let kind = 'loose';
  if (truthy(strict)) kind = 'strict';
  else if (versionType !== null && truthy(versionType)) {
    kind = pythonStr(versionType);
    if (kind === 'pep440') throw new TemplateError("The pep440 version_type requires the Python 'packaging' library");
    if (!Object.hasOwn(VERSION_TYPES, kind)) throw new TemplateError(`Invalid version type (${kind}). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'`);
  }
  const check = VERSION_OPERATORS[pythonStr(operator)];
  if (!check) throw new TemplateError(`Invalid operator type (${pythonStr(operator)}). Must be one of ${Object.keys(VERSION_OPERATORS).map((op) => `'${op}'`).join(', ')}`);
  try {
    return check(VERSION_TYPES[kind](pythonStr(value), pythonStr(other)));
  } catch (error) {
    throw new TemplateError(`Version comparison failed: ${(error as Error).message}`);
  }
}

function result(test: string): (value: unknown) => Dict {
  return (value) => {
    if (!isDict(value)) throw new TemplateError(`The '${test}' test expects a dictionary`);
    return value;
  };
}

const failed = (value: unknown) => truthy(result('failed')(value).failed ?? false);
const succeeded = (value: unknown) => !truthy(result('succeeded')(value).failed ?? false);
const skipped = (value: unknown) => truthy(result('skipped')(value).skipped ?? false);
/** An async job's `started` or `finished` (0 or 1); a result without it counts as yes, as Ansible's test says. */
function jobState(test: 'started' | 'finished'): (value: unknown) => boolean {
  return (value) => {
    const registered = result(test)(value);
    return Object.hasOwn(registered, test) ? pyEquals(registered[test], 1) : true;
  };
}
function changed(value: unknown): boolean {
  const registered = result('changed')(value);
  if (Object.hasOwn(registered, 'changed')) return truthy(registered.changed);
  return Array.isArray(registered.results) && registered.results.some((item) => isDict(item) && truthy(item.changed ?? false));
}

function subset(a: unknown, b: unknown): boolean {
  return (plain(a) as unknown[]).every((item) => pyContains(b, item));
}

/** Tests that answer for an undefined value instead of failing on it (type checks, `defined`). */
const UNDEFINED_SAFE_TESTS = new Set(['defined', 'undefined', 'none', 'null', 'string', 'number', 'integer', 'float', 'boolean', 'mapping', 'sequence', 'iterable', 'callable', 'sameas']);

/** Jinja's builtin tests and Ansible's. */
const TESTS: Record<string, Callable> = {
  defined: (value: unknown) => !isUndefined(value),
  undefined: (value: unknown) => isUndefined(value),
  none: (value: unknown) => value === null,
  null: (value: unknown) => value === null,
  true: (value: unknown) => value === true,
  false: (value: unknown) => value === false,
  boolean: (value: unknown) => typeof value === 'boolean',
  string: (value: unknown) => isText(value),
  number: (value: unknown) => typeof value === 'number' || typeof value === 'boolean',
  integer: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
  float: (value: unknown) => typeof value === 'number' && !Number.isInteger(value),
  mapping: (value: unknown) => isDict(value),
  sequence: (value: unknown) => isText(value) || Array.isArray(value) || isDict(value),
  iterable: (value: unknown) => isText(value) || Array.isArray(value) || isDict(value),
  callable: (value: unknown) => typeof value === 'function',
  sameas: (value: unknown, other: unknown) => plain(value) === plain(other),
  lower: (value: unknown) => isText(value) && value.toString() === value.toString().toLowerCase(),
  upper: (value: unknown) => isText(value) && value.toString() === value.toString().toUpperCase(),
  divisibleby: (value: unknown, divisor: unknown) => Number(value) % Number(divisor) === 0,
  even: (value: unknown) => Number(value) % 2 === 0,
  odd: (value: unknown) => Math.abs(Number(value) % 2) === 1,
  eq: (value: unknown, other: unknown) => pyEquals(value, other),
  equalto: (value: unknown, other: unknown) => pyEquals(value, other),
  '==': (value: unknown, other: unknown) => pyEquals(value, other),
  ne: (value: unknown, other: unknown) => !pyEquals(value, other),
  '!=': (value: unknown, other: unknown) => !pyEquals(value, other),
  lt: comparison('<'), '<': comparison('<'), lessthan: comparison('<'),
  le: comparison('<='), '<=': comparison('<='),
  gt: comparison('>'), '>': comparison('>'), greaterthan: comparison('>'),
  ge: comparison('>='), '>=': comparison('>='),
  in: (value: unknown, container: unknown) => pyContains(container, value),
  contains: (container: unknown, value: unknown) => pyContains(container, value),
  match: matching('match'),
  search: matching('search'),
  regex: matching('search'),
  version,
  version_compare: version,
  subset,
  issubset: subset,
  superset: (a: unknown, b: unknown) => subset(b, a),
  issuperset: (a: unknown, b: unknown) => subset(b, a),
  any: (value: unknown) => (plain(value) as unknown[]).some(truthy),
  all: (value: unknown) => (plain(value) as unknown[]).every(truthy),
  truthy: (value: unknown, convertBool: unknown = false) => (truthy(convertBool) ? truthy(toBool(value)) : truthy(value)),
  falsy: (value: unknown, convertBool: unknown = false) => !(truthy(convertBool) ? truthy(toBool(value)) : truthy(value)),
  abs: (value: unknown) => isAbsolute(pythonStr(value)),
  nan: (value: unknown) => typeof value === 'number' && Number.isNaN(value),
  failed,
  failure: failed,
  succeeded,
  success: succeeded,
  successful: succeeded,
  changed,
  change: changed,
  skipped,
  skip: skipped,
  started: jobState('started'),
  finished: jobState('finished'),
  reachable: (value: unknown) => !truthy(result('reachable')(value).unreachable ?? false),
  unreachable: (value: unknown) => truthy(result('unreachable')(value).unreachable ?? false),
};

export function buildTests(): Record<string, Callable> {
  const tests: Record<string, Callable> = {};
  for (const [name, fn] of Object.entries(TESTS)) tests[name] = guarded(fn, UNDEFINED_SAFE_TESTS.has(name));
  return withBuiltinAliases(tests);
}
