/**
 * The runtime side of Jinja semantics on nunjucks: compiled templates call these `runtime.*` helpers
 * for output, name and member lookups, iteration, calls and `in`; `runtime.py` backs the compiler patches.
 */
import { type Context, type Frame, internals } from './nunjucks-internals.js';
import { attributeLookup, memberLookup, sliceLookup } from './python-methods.js';
import { pyArithmetic, pyCompare, pyConcat, pyContains, pyNegate, truthy } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { isDict, plain, tuple } from './python-types.js';
import { MISSING, currentScope } from './scope.js';
import { TemplateError } from './errors.js';
import { assertDefined, isUndefined, undefinedVariable } from './undefined.js';

/** Output capture: a template that is one `{{ expr }}` yields expr's value instead of its text. */
export const capture = { active: false, value: undefined as unknown };

function printable(value: unknown): string {
  if (capture.active) {
    assertDefined(value);
    capture.value = value;
    return '';
  }
  if (typeof value === 'string') return value;
  // Ansible prints None as an empty string inside text.
  if (value === null || value === undefined) return '';
  return pythonStr(value);
}

const PY_NAMES: Record<string, unknown> = { True: true, False: false, None: null };

function lookupName(context: Context, frame: Frame, name: string): unknown {
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
  const variable = currentScope().resolve(name);
  if (variable !== MISSING) return variable;
  if (Object.hasOwn(context.env.globals, name)) return context.env.globals[name];
  if (Object.hasOwn(PY_NAMES, name)) return PY_NAMES[name];
  return undefinedVariable(name);
}

function iterable(value: unknown): unknown {
  if (isUndefined(value)) value.fail();
  const v = plain(value);
  if (isDict(v)) return Object.keys(v);
  if (v instanceof Set || v instanceof Map) return [...v];
  return v;
}

function callWrap(fn: unknown, name: string, context: Context, args: unknown[]): unknown {
  if (isUndefined(fn)) fn.fail();
  if (typeof fn !== 'function') throw new TemplateError(`'${name}' is not callable`);
  return fn.apply(context, args);
}

function applyTest(env: Context['env'], context: Context, name: string, value: unknown, args: unknown[]): boolean {
  return truthy(env.getTest(name).call(context, value, ...args));
}

function assign(target: unknown, key: unknown, value: unknown): void {
  if (isUndefined(target)) target.fail();
  if (!isDict(target)) throw new TemplateError('can only assign attributes of a namespace or dict');
  target[String(key)] = value;
}

export function patchRuntime(): void {
  const { runtime } = internals();
  runtime.suppressValue = printable;
  runtime.contextOrFrameLookup = lookupName;
  runtime.memberLookup = (obj: unknown, key: unknown, ...slice: unknown[]) => (slice.length === 2 ? sliceLookup(obj, key, slice[0], slice[1]) : memberLookup(obj, key));
  runtime.fromIterator = iterable;
  runtime.callWrap = callWrap;
  runtime.inOperator = (item: unknown, container: unknown) => pyContains(container, item);
  runtime.py = { attribute: attributeLookup, tuple, truthy, compare: pyCompare, arith: pyArithmetic, concat: pyConcat, negate: pyNegate, test: applyTest, assign };
}
