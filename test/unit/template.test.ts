import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OMIT, TemplateError, UnsafeText, createTemplar, markUnsafe } from '../../src/template/templar.js';

const VARS = {
  x: 5,
  flag: true,
  none_var: null,
  l: [1, 2],
  d: { k: 'v' },
  s: 'hello',
  users: [
    { name: 'a', groups: ['g1', 'g2'] },
    { name: 'b', groups: ['g3'] },
  ],
};

function render(text: unknown, vars: Record<string, unknown> = VARS): unknown {
  return createTemplar(vars).render(text);
}

/** The value of an expression itself: a lone `{{ expr }}` is evaluated (no Ansible text typing of the result). */
function value(text: string, vars: Record<string, unknown> = VARS): unknown {
  const lone = /^\{\{(.*)\}\}$/s.exec(text);
  return lone ? createTemplar(vars).evaluate(lone[1]) : render(text, vars);
}

function renderError(text: string, vars: Record<string, unknown> = VARS): string {
  try {
    render(text, vars);
  } catch (error) {
    assert.ok(error instanceof TemplateError, `expected a TemplateError, got ${String(error)}`);
    return error.message;
  }
  return assert.fail(`${text} rendered without error`);
}

describe('typed rendering', () => {
  const cases: [string, unknown][] = [
    ['{{ x }}', 5],
    ['{{ flag }}', true],
    ['{{ l }}', [1, 2]],
    ['{{ d }}', { k: 'v' }],
    ['{{ none_var }}', null],
    ['{{ x + 1 }}', '6'],
    ['{{ [x, "a"] }}', [5, 'a']],
    ['{{ {"a": x} }}', { a: 5 }],
    ['{{ s }}', 'hello'],
    ['{{ "5" }}', '5'],
  ];
  for (const [text, expected] of cases) {
    test(`${text} is typed as ansible-core 2.14 types it`, () => assert.deepEqual(render(text), expected));
  }
  test("text that reads as a list, dict or bool becomes one, unless a string filter (to_json, string ...) made it", () => {
    assert.deepEqual(render('[{{ x }}, 2]'), [5, 2]);
    assert.equal(render('{{ x > 1 }}'), true);
    assert.equal(render('{{ d | to_json }}'), '{"k": "v"}');
    assert.equal(render('{{ l | string }}'), '[1, 2]');
  });

  test('text around a lone expression, even whitespace or a newline, makes the result text (as Ansible)', () => {
    assert.equal(render('  {{ l }}  '), '  [1, 2]  ');
    assert.equal(render('{{ s }}\n'), 'hello\n');
  });

  test('strings without template markers come back untouched', () => {
    const value = { a: ['plain', 1, true], b: 'no {braces} here' };
    assert.equal(render(value), value);
  });

  test('render is deep and copies only what changed', () => {
    const value = { a: '{{ x }}', b: ['{{ s | upper }}', 'fixed'], c: 3, d: { e: 'same' } };
    const rendered = render(value) as Record<string, unknown>;
    assert.deepEqual(rendered, { a: 5, b: ['HELLO', 'fixed'], c: 3, d: { e: 'same' } });
    assert.equal(rendered.d, value.d);
  });

  test('dict keys are templated too', () => {
    assert.deepEqual(render({ '{{ s }}_key': 1 }), { hello_key: 1 });
  });
});

describe('Python-style text output', () => {
  const cases: [string, string][] = [
    ['v={{ flag }}', 'v=True'],
    ['v={{ not flag }}', 'v=False'],
    ['{{ [1, 2] }} x', '[1, 2] x'],
    ['d={{ d }}', "d={'k': 'v'}"],
    ['a{{ none_var }}b', 'ab'],
    ['{{ [none_var, flag, "x", 1.5] }}!', "[None, True, 'x', 1.5]!"],
    ['{{ ["it\'s", \'say "hi"\'] }}.', `["it's", 'say "hi"'].`],
    ["{{ 'a' ~ 1 ~ flag ~ none_var }}", 'a1TrueNone'],
    ['pre {{ users[0] }} post', "pre {'name': 'a', 'groups': ['g1', 'g2']} post"],
    ['{{ x }} and {{ x }}', '5 and 5'],
  ];
  for (const [text, expected] of cases) {
    test(`${text} -> ${expected}`, () => assert.equal(render(text), expected));
  }
});

describe('lazy variables', () => {
  test('a variable holding template text is rendered when used, keeping its type', () => {
    assert.equal(render('{{ a }}', { a: '{{ b }}', b: 2 }), 2);
    assert.equal(render('{{ a + 1 }}', { a: '{{ b }}', b: 2 }), '3');
  });

  test('templates nested in lists and dicts of a variable are rendered', () => {
    const vars = { config: { port: '{{ base + 1 }}', names: ['{{ who }}', 'x'] }, base: 8000, who: 'me' };
    assert.deepEqual(render('{{ config }}', vars), { port: '8001', names: ['me', 'x'] });
    assert.equal(render('{{ config.names[0] }}', vars), 'me');
  });

  test('chains of variables resolve', () => {
    assert.equal(render('{{ a }}', { a: '{{ b }}-{{ c }}', b: '{{ c | upper }}', c: 'x' }), 'X-x');
  });

  test('lazy variables see the variables, not the loop frame of the caller', () => {
    const vars = { item_text: '{{ item }}', item: 'outer', things: [1, 2] };
    assert.equal(createTemplar(vars).renderText('{% for item in things %}{{ item_text }}{% endfor %}'), 'outerouter');
  });

  test('a cycle is reported', () => {
    assert.match(renderError('{{ a }}', { a: '{{ b }}', b: '{{ a }}' }), /^recursive loop detected in template string: \{\{ [ab] \}\}$/);
  });

  test('a variable referring to itself is a cycle', () => {
    assert.match(renderError('{{ a }}', { a: '{{ a | default(1) }}' }), /recursive loop detected/);
  });

  test('values marked unsafe are never templated', () => {
    const result = markUnsafe({ stdout: 'literal {{ braces }}' });
    assert.equal(render('{{ result.stdout }}', { result }), 'literal {{ braces }}');
  });

  test('!unsafe text is handed on as plain text, never templated', () => {
    const vars = { raw: new UnsafeText('{{ nope }}'), x: 1 };
    assert.equal(render('{{ raw }}', vars), '{{ nope }}');
    assert.equal(render('{{ raw == "{{ nope }}" }}', vars), true);
    assert.deepEqual(createTemplar(vars).render({ arg: vars.raw }), { arg: '{{ nope }}' });
  });

  test('a list built from unsafe values is unsafe: read later, it is not templated again', () => {
    const item = markUnsafe({ value: '{{ x }}' });
    const built = render('{{ [item.value] }}', { item, x: 1 });
    assert.deepEqual(built, ['{{ x }}']);
    assert.deepEqual(render('{{ built }}', { built, x: 1 }), ['{{ x }}']);
    const safe = render('{{ [value] }}', { value: "{{ '{{' }} x }}", x: 1 });
    assert.deepEqual(render('{{ safe }}', { safe, x: 1 }), [1]);
  });

  test('text a template builds from unsafe values, kept as a variable, is not templated again when read', () => {
    const vars = { raw: new UnsafeText('{{ nope }}'), result: markUnsafe({ stdout: '{{ nope }}' }), nope: 'TEMPLATED' };
    const kept = createTemplar(vars).renderKeepingUnsafe({ a: '{{ raw }}', b: '{{ result.stdout | upper }}', c: ['{{ raw }}'], d: vars.raw });
    assert.equal(render('{{ kept.a }} {{ kept.b }} {{ kept.c[0] }} {{ kept.d }}', { kept, nope: 'TEMPLATED' }), '{{ nope }} {{ NOPE }} {{ nope }} {{ nope }}');
    const safe = createTemplar({ braces: "{{ '{{' }} nope }}", nope: 'TEMPLATED' }).renderKeepingUnsafe({ a: '{{ braces }}' });
    assert.equal(render('{{ safe.a }}', { safe, nope: 'TEMPLATED' }), 'TEMPLATED');
  });

  test('a lookup in a template makes its list result unsafe', () => {
    const built = render("{{ [lookup('env', 'BETIF_UNSAFE_TEST')] }}", {});
    process.env.BETIF_UNSAFE_TEST = '{{ x }}';
    const fromLookup = render("{{ [lookup('env', 'BETIF_UNSAFE_TEST')] }}", {});
    delete process.env.BETIF_UNSAFE_TEST;
    assert.deepEqual(built, ['']);
    assert.deepEqual(render('{{ fromLookup }}', { fromLookup, x: 1 }), ['{{ x }}']);
  });

  test('with_ loop items are unsafe', () => {
    const [item] = createTemplar({}).query('dict', [{ k: '{{ x }}' }], { subdir: 'files' });
    assert.deepEqual(render('{{ [item.value] }}', { item, x: 1 }), ['{{ x }}']);
    assert.deepEqual(render('{{ built }}', { built: render('{{ [item.value] }}', { item, x: 1 }), x: 1 }), ['{{ x }}']);
  });

  test('text that looks like JSON reads back with true, false and null', () => {
    assert.deepEqual(render('{{ "" }}{"n": null, "t": true, "f": false}', {}), { n: null, t: true, f: false });
  });

  test('after a dot every name is a key (`foo.null`, `foo.true`), and `null` alone is just a name', () => {
    const foo = { null: 1, true: 2, none: 3 };
    assert.deepEqual(render('{{ [foo.null, foo.true, foo.none] }}', { foo }), [1, 2, 3]);
    assert.match(renderError('{{ null }}', {}), /^'null' is undefined$/);
  });

  test("a dict's methods come before its keys after a dot (getattr), its keys before its methods in brackets", () => {
    const k = { values: 5, other: 9 };
    assert.deepEqual(render('{{ k.values() | list }}', { k }), [5, 9]);
    assert.equal(render("{{ k['values'] }}", { k }), '5');
    assert.equal(render('{{ k.other }}', { k }), '9');
    assert.match(String(render('{{ k.values }}', { k })), /^<built-in method values of dict object at 0x[0-9a-f]+>$/);
  });

  test('the `vars` variable reads any variable by name, rendered', () => {
    assert.equal(render("{{ vars['my_' + 'port'] }}", { my_port: '{{ 80 + 1 }}' }), '81');
  });
});

describe('undefined variables', () => {
  const errors: [string, string][] = [
    ['{{ foo }}', "'foo' is undefined"],
    ['x {{ foo }} y', "'foo' is undefined"],
    ['{{ foo.bar }}', "'foo' is undefined"],
    ['{{ d.y }}', "'dict object' has no attribute 'y'"],
    ["{{ d['y'] }}", "'dict object' has no attribute 'y'"],
    ['{{ l[5] }}', 'list object has no element 5'],
    ['{{ s.nope }}', "'str object' has no attribute 'nope'"],
    ['{{ none_var.x }}', "'None' has no attribute 'x'"],
    ['{{ foo + 1 }}', "'foo' is undefined"],
    ['{{ foo == 1 }}', "'foo' is undefined"],
    ['{{ foo | upper }}', "'foo' is undefined"],
    ['{{ [foo] }}', "'foo' is undefined"],
    ['{{ foo() }}', "'foo' is undefined"],
    ['{% if foo %}x{% endif %}', "'foo' is undefined"],
    ['{% for i in foo %}x{% endfor %}', "'foo' is undefined"],
    ['{{ 1 in foo }}', "'foo' is undefined"],
    ['{{ foo | mandatory }}', "Mandatory variable 'foo' not defined."],
    ['{{ d.y | mandatory }}', "Mandatory variable 'y' not defined."],
    ["{{ foo | mandatory('set foo please') }}", 'set foo please'],
  ];
  for (const [text, message] of errors) {
    test(`${text} fails with ${message}`, () => assert.equal(renderError(text), message));
  }

  const fine: [string, unknown][] = [
    ['{{ foo is defined }}', false],
    ['{{ foo is undefined }}', true],
    ['{{ foo is not defined }}', true],
    ['{{ x is defined }}', true],
    ['{{ foo.bar is defined }}', false],
    ['{{ d.y is defined }}', false],
    ['{{ d.k is defined }}', true],
    ['{{ l[7] is defined }}', false],
    ['{{ foo | default(3) }}', 3],
    ['{{ foo | d(3) }}', 3],
    ['{{ foo.bar | default("z") }}', 'z'],
    ['{{ d.y | default([]) }}', []],
    ["{{ '' | default('b') }}", ''],
    ["{{ '' | default('b', true) }}", 'b'],
    ['{{ none_var | default(1) }}', null],
    ['{{ none_var | default(1, true) }}', 1],
    ['{{ foo | default(omit) }}', OMIT],
    ['{{ foo is defined and foo > 1 }}', false],
    ['{{ x if foo is defined else "dflt" }}', 'dflt'],
    ['{{ foo is string }}', false],
    ['{{ foo | default(none) is none }}', true],
  ];
  for (const [text, expected] of fine) {
    test(`${text} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(value(text), expected));
  }
});

describe('expressions', () => {
  const cases: [string, unknown][] = [
    ['{{ 3 in l }}', false],
    ['{{ 2 in l }}', true],
    ["{{ 'k' in d }}", true],
    ["{{ 'ell' in s }}", true],
    ['{{ 1 not in l }}', false],
    ['{{ [1, 2] in [[1, 2]] }}', true],
    ["{{ 'yes' if x > 3 else 'no' }}", 'yes'],
    ["{{ x > 3 and 'big' or 'small' }}", 'big'],
    ["{{ [] or 'empty' }}", 'empty'],
    ["{{ '' or [] or 'last' }}", 'last'],
    ['{{ x and l }}', [1, 2]],
    ['{{ 0 or none_var }}', null],
    ['{{ not [] }}', true],
    ['{{ not {} }}', true],
    ['{{ x == 5.0 }}', true],
    ["{{ '5' == 5 }}", false],
    ['{{ [1, 2] == [1, 2] }}', true],
    ["{{ {'a': [1]} == {'a': [1]} }}", true],
    ['{{ 1 < 2 < 3 }}', true],
    ['{{ 3 > 2 > 2 }}', false],
    ["{{ 'a' < 'b' }}", true],
    ['{{ [1, 2] < [1, 3] }}', true],
    ['{{ l + [3] }}', [1, 2, 3]],
    ["{{ 'ab' * 2 }}", 'abab'],
    ['{{ [0] * 3 }}', [0, 0, 0]],
    ['{{ 7 // 2 }}', 3],
    ['{{ -7 % 3 }}', 2],
    ['{{ 2 ** 10 }}', 1024],
    ['{{ 10 / 4 }}', 2.5],
    ['{{ -x }}', -5],
    ["{{ '%s-%d' % ('a', 3) }}", 'a-3'],
    ["{{ '%05.1f|%-4s|%x' % (3.14159, 'ab', 255) }}", '003.1|ab  |ff'],
    ["{{ '%(n)s!' % {'n': 'hi'} }}", 'hi!'],
    ['{{ True and not False }}', true],
    ['{{ None is none }}', true],
    ["{{ s[1:3] }}", 'el'],
    ['{{ s[::-1] }}', 'olleh'],
    ['{{ l[-1] }}', 2],
    ['{{ l[:-1] }}', [1]],
    ['{{ users.0.name }}', 'a'],
    ['{{ users.1.groups.0 }}', 'g3'],
    ['{{ [[1, [2, 3]]].0.1.1 }}', 3],
    ["{{ {'a': {'b': 1}} }}", { a: { b: 1 } }],
    ["{{ {'a': 1} | combine({'b': {'c': 2}}) }}", { a: 1, b: { c: 2 } }],
    ['{{ (1 + 2) * 3 }}', 9],
    ['{{ range(3) | list }}', [0, 1, 2]],
    ['{{ range(1, 10, 3) | list }}', [1, 4, 7]],
    ['{{ dict(a=1, b=2) }}', { a: 1, b: 2 }],
    ["{{ dict([['a', 1]]) }}", { a: 1 }],
  ];
  for (const [text, expected] of cases) {
    test(`${text} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(value(text), expected));
  }

  const errors: [string, RegExp][] = [
    ["{{ x + 'a' }}", /^unsupported operand type\(s\) for \+: 'int' and 'str'$/],
    ["{{ 'a' + x }}", /^can only concatenate str \(not "int"\) to str$/],
    ['{{ 1 / 0 }}', /^division by zero$/],
    ["{{ 'a' < 1 }}", /^'<' not supported between instances of 'str' and 'int'$/],
    ['{{ x | no_such_filter }}', /^Could not load "no_such_filter": 'no_such_filter'$/],
    ['{{ x is no_such_test }}', /^Could not load "no_such_test": 'no_such_test'$/],
    ['{{ 1 + }}', /^template error while templating string: .*unexpected token.*\. String: \{\{ 1 \+ \}\}$/],
    ['{% if %}', /^template error while templating string: /],
  ];
  for (const [text, message] of errors) {
    test(`${text} fails with ${message}`, () => assert.match(renderError(text), message));
  }
});

describe('Python methods', () => {
  const cases: [string, unknown][] = [
    ['{{ s.upper() }}', 'HELLO'],
    ["{{ s.startswith('he') }}", true],
    ["{{ 'abc'.startswith(('x', 'a')) }}", true],
    ["{{ 'a b  c'.split() }}", ['a', 'b', 'c']],
    ["{{ 'a,b,c'.split(',', 1) }}", ['a', 'b,c']],
    ["{{ ' x '.strip() }}", 'x'],
    ["{{ 'xxhixx'.strip('x') }}", 'hi'],
    ["{{ s.replace('l', 'L') }}", 'heLLo'],
    ["{{ '-'.join(['a', 'b']) }}", 'a-b'],
    ["{{ 'abc'.find('c') }}", 2],
    ["{{ '{} is {}'.format('x', 5) }}", 'x is 5'],
    ["{{ '{0}-{name}'.format('a', name='b') }}", 'a-b'],
    ["{{ 'a b'.title() }}", 'A B'],
    ["{{ '5'.isdigit() }}", true],
    ["{{ d.get('zz', 'dflt') }}", 'dflt'],
    ["{{ d.get('k') }}", 'v'],
    ["{{ d.get('zz') }}", null],
    ['{{ d.items() | list }}', [['k', 'v']]],
    ['{{ d.keys() | list }}', ['k']],
    ['{{ d.values() | list }}', ['v']],
    ['{{ l.index(2) }}', 1],
    ['{{ l.count(1) }}', 1],
    ["{{ {'items': 3}['items'] }}", 3],
  ];
  for (const [text, expected] of cases) {
    test(`${text} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(value(text), expected));
  }
});

describe('backslashes', () => {
  test('inside {{ }} in playbook strings they are kept as written (Ansible)', () => {
    assert.equal(render("{{ 'foo123' | regex_replace('\\d+', 'N') }}"), 'fooN');
    assert.equal(render("{{ 'a.b' | regex_replace('\\.', '-') }}"), 'a-b');
    assert.equal(render("{{ 'a\\nb' }}"), 'a\\nb');
  });

  test('template files and conditions use Jinja escapes', () => {
    const templar = createTemplar({ text: 'a\nb' });
    assert.equal(templar.renderText("{{ 'a\\tb' }}|{{ 'q\\'q' }}|{{ 'x\\\\y' }}"), "a\tb|q'q|x\\y");
    assert.equal(templar.condition("'\\n' in text"), true);
  });
});

describe('evaluate', () => {
  const templar = createTemplar({ ...VARS, a: '{{ x * 2 }}' });
  const cases: [string, unknown][] = [
    ['x | default(3)', 5],
    ['nope | default(3)', 3],
    ['users[0].name', 'a'],
    ['l', [1, 2]],
    ['a', '10'],
    ['x > 3', true],
    ['{{ x }}', 5],
    ["users | map(attribute='name') | list", ['a', 'b']],
  ];
  for (const [expression, expected] of cases) {
    test(`${expression} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(templar.evaluate(expression), expected));
  }

  test('an undefined result is an error naming the variable', () => {
    assert.throws(() => templar.evaluate('nope'), { name: 'TemplateError', message: "'nope' is undefined" });
  });
});

describe('condition', () => {
  const templar = createTemplar({ ...VARS, sfalse: 'false', empty: [], ed: {}, nested: '{{ x > 3 }}', res: { failed: false, changed: true } });
  const cases: [string | boolean | unknown[], boolean][] = [
    ['x > 3', true],
    ['x < 3', false],
    ['sfalse', true],
    ['empty', false],
    ['ed', false],
    ['none_var', false],
    ['flag', true],
    ['not flag', false],
    ['res is changed', true],
    ['res.failed == false', true],
    ['nope is defined', false],
    ['nope is undefined or nope > 3', true],
    ['nope.foo is defined', false],
    ['nope | default(false)', false],
    ['{{ x > 3 }}', true],
    ['{{ x < 3 }}', false],
    ['nested', true],
    ['x == "5"', false],
    ['x | bool', false],
    ["'a' in 'abc'", true],
    ['', true],
    [true, true],
    [false, false],
    [['x > 3', 'flag'], true],
    [['x > 3', 'not flag'], false],
    [[], true],
  ];
  for (const [expression, expected] of cases) {
    test(`${JSON.stringify(expression)} is ${expected}`, () => assert.equal(templar.condition(expression), expected));
  }

  test('an undefined variable in a condition is an error naming it', () => {
    assert.throws(() => templar.condition('undefined_thing'), { name: 'TemplateError', message: "'undefined_thing' is undefined" });
  });
});

describe('omit', () => {
  test('omit is a unique placeholder string', () => {
    assert.equal(render('{{ omit }}'), OMIT);
    assert.match(OMIT, /^__omit_place_holder__[0-9a-f]{40}$/);
  });
});

describe('renderText', () => {
  const templar = createTemplar(VARS);

  test('loops with loop variables, nested loops, and trim_blocks', () => {
    const text = [
      '{% for u in users %}',
      'user {{ loop.index }}/{{ loop.length }}: {{ u.name }}{% if loop.first %} (first){% endif %}{% if loop.last %} (last){% endif %}',
      '',
      '{% for g in u.groups %}',
      '  - {{ g }}',
      '{% endfor %}',
      '{% endfor %}',
      '',
    ].join('\n');
    assert.equal(templar.renderText(text), 'user 1/2: a (first)\n  - g1\n  - g2\nuser 2/2: b (last)\n  - g3\n');
  });

  test('dict iteration, items(), if/elif/else', () => {
    const text = '{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}[{{ k }}]{% endfor %}\n{% if x > 10 %}\nbig\n{% elif x > 3 %}\nmedium\n{% else %}\nsmall\n{% endif %}\n';
    assert.equal(templar.renderText(text), 'k=v;[k]medium\n');
  });

  test('macros with defaults and keyword arguments', () => {
    const text = "{% macro greet(name, punct='!') -%}\nHello {{ name }}{{ punct }}\n{%- endmacro %}\n{{ greet('bob') }} {{ greet('al', punct='?') }}\n";
    assert.equal(templar.renderText(text), 'Hello bob! Hello al?\n');
  });

  test('set, namespace, for-else, comments and raw blocks', () => {
    const text = [
      '{% set total = l | sum %}',
      'total={{ total }}',
      '{% set ns = namespace(found=false) %}',
      '{% for i in l %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}',
      'found={{ ns.found }}',
      '{% for i in [] %}never{% else %}empty{% endfor %}',
      '{# a comment #}',
      '{% raw %}{{ not templated }}{% endraw %}',
      'end',
    ].join('\n');
    assert.equal(templar.renderText(text), 'total=3\nfound=True\nempty{{ not templated }}end');
  });

  test('call blocks, filter blocks, block set and tuple unpacking', () => {
    const text = [
      '{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}inner{% endcall %}',
      '{% filter upper %}abc {{ s }}{% endfilter %}',
      '{% set block %}B{{ x }}{% endset %}{{ block }}',
      '{% for name, groups in [["a", 1], ["b", 2]] %}{{ name }}{{ groups }}{% endfor %}',
    ].join('|');
    assert.equal(templar.renderText(text), '<inner>|ABC HELLO|B5|a1b2');
  });

  test('values print the Python way and trailing newlines are kept', () => {
    assert.equal(templar.renderText('flag={{ flag }} none={{ none_var }} list={{ l }} dict={{ d }}\n\n'), "flag=True none= list=[1, 2] dict={'k': 'v'}\n\n");
  });

  test('whitespace control', () => {
    assert.equal(templar.renderText('a\n  {%- if true %}\nb\n  {%- endif %}\nc'), 'abc');
    assert.equal(templar.renderText('a\n{% if true %}\n  b\n{% endif %}\nc'), 'a\n  b\nc');
  });

  test('text without template markers is returned as is', () => {
    assert.equal(templar.renderText('plain {text}\n'), 'plain {text}\n');
  });

  test('errors name the undefined variable', () => {
    assert.throws(() => templar.renderText('line\n{{ missing_var }}\n'), { name: 'TemplateError', message: "'missing_var' is undefined" });
  });
});

describe('many renders', () => {
  test('thousands of renders with large variables give the right results', () => {
    const facts: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) facts[`fact_${i}`] = { a: [1, 2, { b: `text ${i}` }], c: `value ${i}` };
    for (let i = 0; i < 2000; i++) {
      const templar = createTemplar({ ansible_facts: facts, item: i, name: 'web', path: '/etc/{{ name }}' });
      assert.deepEqual(templar.render({ dest: '{{ path }}/{{ item }}.conf', mode: '0644' }), { dest: `/etc/web/${i}.conf`, mode: '0644' });
      assert.equal(templar.condition('ansible_facts.fact_1.c is defined and item >= 0'), true);
    }
  });
});
