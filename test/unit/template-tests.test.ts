import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateError, createTemplar } from '../../src/template/templar.js';

const VARS = {
  x: 5,
  none_var: null,
  l: [1, 2],
  d: { k: 'v' },
  res_ok: { changed: true, failed: false },
  res_failed: { changed: false, failed: true },
  res_skip: { skipped: true, changed: false },
  res_loop: { results: [{ changed: false }, { changed: true }] },
  res_unreachable: { unreachable: true },
};

/** Each row: an `is` expression and its answer (checked against ansible 2.14). */
const CASES: [string, boolean][] = [
  ['x is defined', true],
  ['nope is defined', false],
  ['nope is undefined', true],
  ['none_var is none', true],
  ['x is none', false],
  ['none_var is not none', false],
  ["'a' is string", true],
  ['x is string', false],
  ['x is number', true],
  ['1.5 is number', true],
  ['x is integer', true],
  ['1.5 is integer', false],
  ['1.5 is float', true],
  ['true is boolean', true],
  ['1 is boolean', false],
  ['d is mapping', true],
  ['l is mapping', false],
  ['l is sequence', true],
  ["'s' is sequence", true],
  ['x is sequence', false],
  ['d is iterable', true],
  ['x is iterable', false],
  ['true is true', true],
  ['1 is true', false],
  ['false is false', true],
  ['x is sameas 5', true],
  ['x is eq 5', true],
  ['x is equalto 5', true],
  ['x is ne 4', true],
  ['x is gt 4', true],
  ['x is ge 5', true],
  ['x is lt 6', true],
  ['x is le 4', false],
  ['x is divisibleby(5)', true],
  ['x is divisibleby 2', false],
  ['x is even', false],
  ['x is odd', true],
  ["'abc' is lower", true],
  ["'ABC' is upper", true],
  ['2 is in [1, 2]', true],
  ['2 is in(l)', true],
  ['3 is in l', false],
  ['[1, 2] is contains 2', true],
  ['l is contains(3)', false],
  ["'abc' is match('b')", false],
  ["'abc' is match('a.c')", true],
  ["'abc' is search('b')", true],
  ["'ABC' is search('b', ignorecase=true)", true],
  ["'abc' is regex('^a')", true],
  ["'abc' is regex('b', match_type='match')", false],
  ["'1.2.3' is version('1.2', '>=')", true],
  ["'1.10' is version('1.9', 'gt')", true],
  ["'1.0' is version('1.0', '==')", true],
  ["'1.0' is version('1.0')", true],
  ["'2.0.0' is version('10.0', '<')", true],
  ["'1.0-rc1' is version('1.0', '>')", true],
  ["'1.2' is version_compare('1.3', 'lt')", true],
  ['[1] is subset([1, 2])', true],
  ['[3] is subset([1, 2])', false],
  ['[1, 2] is superset([1])', true],
  ['[true, 1] is all', true],
  ['[false, 0] is any', false],
  ["'' is falsy", true],
  ["'x' is truthy", true],
  ["'no' is truthy", true],
  ["'no' is truthy(convert_bool=true)", false],
  ["'yes' is truthy(convert_bool=true)", true],
  ["'/a' is abs", true],
  ["'a/b' is abs", false],
  ['res_ok is changed', true],
  ['res_ok is change', true],
  ['res_ok is succeeded', true],
  ['res_ok is success', true],
  ['res_ok is successful', true],
  ['res_ok is failed', false],
  ['res_failed is failed', true],
  ['res_failed is failure', true],
  ['res_failed is succeeded', false],
  ['res_skip is skipped', true],
  ['res_skip is skip', true],
  ['res_skip is success', true],
  ['res_ok is skipped', false],
  ['res_loop is changed', true],
  ['res_unreachable is unreachable', true],
  ['res_ok is reachable', true],
  ['res_ok is failed or res_ok is changed', true],
  ['res_skip is not skipped', false],
  ["{'started': 1, 'finished': 0} is started", true],
  ["{'started': 1, 'finished': 0} is finished", false],
  ["{'started': 1, 'finished': 1} is finished", true],
  ['res_ok is finished', true],
  ['x is not string and x is number', true],
  ['nope is string', false],
];

describe('tests', () => {
  const templar = createTemplar(VARS);
  for (const [expression, expected] of CASES) {
    test(`${expression} is ${expected}`, () => assert.equal(templar.evaluate(expression), expected));
  }

  test('tests work as arguments of select and selectattr', () => {
    assert.deepEqual(templar.evaluate("[1, 2, 3, 4] | select('divisibleby', 2) | list"), [2, 4]);
    assert.deepEqual(templar.evaluate("[res_ok, res_failed] | select('failed') | list"), [VARS.res_failed]);
  });

  test('result tests need a dictionary', () => {
    assert.throws(() => templar.evaluate('l is failed'), (error: unknown) => error instanceof TemplateError && error.message === "The 'failed' test expects a dictionary");
  });

  test('value tests on an undefined variable name it', () => {
    assert.throws(() => templar.evaluate('nope is match("a")'), (error: unknown) => error instanceof TemplateError && error.message === "'nope' is undefined");
  });

  test('an unknown version operator is reported', () => {
    assert.throws(() => templar.evaluate("'1' is version('2', 'bogus')"), (error: unknown) => error instanceof TemplateError && error.message.startsWith("Invalid operator type (bogus). Must be one of '==', '=', 'eq', '<'"));
  });
});
