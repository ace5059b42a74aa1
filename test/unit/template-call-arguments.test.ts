import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTemplar } from '../../src/template/templar.js';

const render = (text: string, vars: Record<string, unknown> = {}) => createTemplar(vars).render(text);

describe('Jinja call arguments: *args and **kwargs', () => {
  test('a starred list spreads into the positional arguments, after the others', () => {
    assert.deepEqual(render("{{ query('items', 'z', *terms) }}", { terms: ['a', 'b'] }), ['z', 'a', 'b']);
    assert.equal(render("{{ lookup('items', *terms) }}", { terms: ['a', 'b'] }), 'a,b');
    assert.deepEqual(render('{{ range(*bounds) | list }}', { bounds: [1, 4] }), [1, 2, 3]);
  });

  test('a starred mapping adds keyword arguments, to filters too', () => {
    assert.deepEqual(render('{{ dict(**base, extra=2) }}', { base: { a: 1 } }), { a: 1, extra: 2 });
    assert.equal(render('{{ items | join(**options) }}', { items: ['x', 'y'], options: { d: '-' } }), 'x-y');
  });

  test('a starred value of the wrong kind fails as Python does', () => {
    assert.throws(() => render('{{ range(*5) }}'), /argument after \* must be an iterable/);
    assert.throws(() => render("{{ dict(**['a']) }}"), /argument after \*\* must be a mapping/);
    assert.throws(() => render('{{ dict(a=1, **more) }}', { more: { a: 2 } }), /multiple values for keyword argument 'a'/);
  });

  test('** between numbers is still the power operator', () => {
    assert.equal(render('{{ 2 ** 3 }}'), '8');
  });
});

describe('now()', () => {
  test('with fmt, the current time formatted by strftime', () => {
    const seconds = Number(render("{{ now(fmt='%s') }}"));
    assert.ok(Math.abs(seconds - Date.now() / 1000) < 60);
    assert.match(String(render("{{ now(utc=true, fmt='%Y-%m-%d %H:%M:%S.%f') }}")), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  test('without fmt, a datetime with its fields and strftime', () => {
    assert.equal(render('{{ now().year }}'), String(new Date().getFullYear()));
    assert.match(String(render("{{ now(true).strftime('%j %A %B %%') }}")), /^\d{3} [A-Z][a-z]+day [A-Z][a-z]+ %$/);
    assert.match(String(render('at {{ now() }}')), /^at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });
});
