import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateError, createTemplar } from '../../src/template/templar.js';

const VARS = {
  x: 5,
  none_var: null,
  l: [1, 2],
  d: { k: 'v' },
  s: 'hello',
  users: [
    { name: 'a', groups: ['g1', 'g2'] },
    { name: 'b', groups: ['g3'] },
  ],
};

/** A filter's own value: a lone `{{ expr }}` is evaluated, so Ansible's text typing of results does not hide it. */
function render(text: string): unknown {
  const lone = /^\{\{(.*)\}\}$/s.exec(text);
  return lone ? createTemplar(VARS).evaluate(lone[1]) : createTemplar(VARS).render(text);
}

/** Each case: template, expected value (checked against ansible 2.14 where the types allow). */
function cases(title: string, table: [string, unknown][]): void {
  describe(title, () => {
    for (const [text, expected] of table) {
      test(`${text} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(render(text), expected));
    }
  });
}

function failures(title: string, table: [string, RegExp][]): void {
  describe(title, () => {
    for (const [text, message] of table) {
      test(`${text} fails with ${message}`, () => assert.throws(() => render(text), (error: unknown) => error instanceof TemplateError && message.test(error.message)));
    }
  });
}

cases('default, mandatory, ternary', [
  ["{{ 'a' | default('b') }}", 'a'],
  ['{{ nope | default }}', ''],
  ["{{ 0 | default('b', true) }}", 'b'],
  ["{{ x | ternary('big', 'small') }}", 'big'],
  ["{{ 0 | ternary('y', 'n') }}", 'n'],
  ["{{ none_var | ternary('y', 'n', 'z') }}", 'z'],
  ['{{ x | mandatory }}', 5],
]);

cases('type conversion', [
  ["{{ 'yes' | bool }}", true],
  ["{{ 'on' | bool }}", true],
  ["{{ 'TRUE' | bool }}", true],
  ["{{ '1' | bool }}", true],
  ["{{ 'no' | bool }}", false],
  ["{{ 'off' | bool }}", false],
  ["{{ 'foo' | bool }}", false],
  ['{{ 2 | bool }}', false],
  ['{{ 1 | bool }}', true],
  ['{{ none_var | bool }}', null],
  ["{{ '3.7' | int }}", 3],
  ["{{ 'abc' | int }}", 0],
  ["{{ 'x' | int(7) }}", 7],
  ["{{ '0x1A' | int(base=16) }}", 26],
  ["{{ '42' | int + 1 }}", 43],
  ["{{ '1.5' | float * 2 }}", 3],
  ["{{ 'x' | float }}", 0],
  ['{{ 5 | string }}', '5'],
  ['{{ [1, none_var] | string }}', '[1, None]'],
  ['{{ l | list }}', [1, 2]],
  ["{{ 'abc' | list }}", ['a', 'b', 'c']],
  ['{{ d | list }}', ['k']],
  ["{{ [['a', 1], ['b', 2]] | dict }}", { a: 1, b: 2 }],
  ['{{ d | items }}', [['k', 'v']]],
  ['{{ x | type_debug }}', 'int'],
  ['{{ 1.5 | type_debug }}', 'float'],
  ["{{ 'x' | type_debug }}", 'str'],
  ['{{ l | type_debug }}', 'list'],
  ['{{ d | type_debug }}', 'dict'],
  ['{{ none_var | type_debug }}', 'NoneType'],
  ['{{ true | type_debug }}', 'bool'],
]);

cases('numbers', [
  ['{{ -3 | abs }}', 3],
  ['{{ 3.14159 | round(2) }}', 3.14],
  ['{{ 2.5 | round }}', 2],
  ['{{ 3.5 | round }}', 4],
  ["{{ 2.567 | round(1, 'floor') }}", 2.5],
  ["{{ 2.521 | round(1, 'ceil') }}", 2.6],
  ['{{ 2 | pow(3) }}', 8],
  ['{{ 16 | root }}', 4],
  ['{{ 100 | log(10) }}', 2],
]);

cases('strings', [
  ["{{ 'Ab' | lower }}", 'ab'],
  ["{{ 'ab' | upper }}", 'AB'],
  ["{{ 'hello World' | capitalize }}", 'Hello world'],
  ["{{ 'hello world' | title }}", 'Hello World'],
  ["{{ '  x ' | trim }}", 'x'],
  ["{{ 'a b' | replace('a', 'c') }}", 'c b'],
  ["{{ 'hello' | replace('l', 'L', 1) }}", 'heLlo'],
  ["{{ 'a,b,,c' | split(',') }}", ['a', 'b', '', 'c']],
  ["{{ 'a b' | split }}", ['a', 'b']],
  ["{{ 'a b c' | split(' ', 1) }}", ['a', 'b c']],
  ["{{ 'k=v' | split('=') | last }}", 'v'],
  ["{{ '%-5s|' | format('ab') }}", 'ab   |'],
  ["{{ '%s and %s' | format('a', 'b') }}", 'a and b'],
  ['{{ s | length }}', 5],
  ["{{ 'ab' | reverse }}", 'ba'],
  ["{{ 'abc' | first }}", 'a'],
  ["{{ 'abc' | last }}", 'c'],
  ["{{ 'abcdef' | truncate(5, true, '') }}", 'abcdef'],
  ["{{ 'abcdefghijkl' | truncate(5, true, '') }}", 'abcde'],
  ["{{ 'one two three four' | truncate(12, leeway=0) }}", 'one two...'],
  ["{{ 'a b c' | wordcount }}", 3],
]);

describe('indent', () => {
  test('indents every line but the first, blank lines untouched', () => {
    const templar = createTemplar({ text: 'a\nb\n\nc' });
    assert.equal(templar.render('{{ text | indent(2) }}'), 'a\n  b\n\n  c');
    assert.equal(templar.render('{{ text | indent(2, true) }}'), '  a\n  b\n\n  c');
    assert.equal(templar.render('{{ text | indent(width=1, first=true, blank=true) }}'), ' a\n b\n \n c');
  });
});

cases('regular expressions', [
  ["{{ 'foo123' | regex_replace('(\\d+)', '<\\1>') }}", 'foo<123>'],
  ["{{ 'foo123' | regex_replace('(?P<n>\\d+)', '<\\g<n>>') }}", 'foo<123>'],
  ["{{ 'a-b_c' | regex_replace('[-_]', '.') }}", 'a.b.c'],
  ["{{ 'abc' | regex_replace('B', 'x', ignorecase=true) }}", 'axc'],
  ["{{ '.a.' | regex_replace('^\\.|\\.$', '') }}", 'a'],
  ["{{ 'a' | regex_replace('a', '$1') }}", '$1'],
  ["{{ 'aaa' | regex_replace('a', 'b', count=2) }}", 'bba'],
  ["{{ 'foo123bar' | regex_search('\\d+') }}", '123'],
  ["{{ 'foo123bar' | regex_search('(\\d)(\\d)', '\\2') }}", ['2']],
  ["{{ 'foo123bar' | regex_search('(\\d)(\\d)', '\\2', '\\1') }}", ['2', '1']],
  ["{{ 'ab' | regex_search('(?P<x>a)(b)', '\\g<x>', '\\2') }}", ['a', 'b']],
  ["{{ 'FOO' | regex_search('foo', ignorecase=true) }}", 'FOO'],
  ["{{ 'abc' | regex_search('z') }}", null],
  ["{{ 'a1b2' | regex_findall('\\d') }}", ['1', '2']],
  ["{{ 'a1b2' | regex_findall('([a-z])(\\d)') }}", [['a', '1'], ['b', '2']]],
  ["{{ 'Hello World' | regex_findall('(?i)o') }}", ['o', 'o']],
  ["{{ 'a.b' | regex_escape }}", 'a\\.b'],
]);

describe('regex_search across lines', () => {
  test('multiline anchors match at line starts', () => {
    assert.equal(createTemplar({ text: 'line1\nline2' }).render("{{ text | regex_search('^line2', multiline=true) }}"), 'line2');
  });
});

cases('encoding, hashing, paths, quoting', [
  ["{{ 'hello' | b64encode }}", 'aGVsbG8='],
  ["{{ 'aGVsbG8=' | b64decode }}", 'hello'],
  ["{{ 'café' | b64encode }}", 'Y2Fmw6k='],
  ["{{ 'abc' | hash('md5') }}", '900150983cd24fb0d6963f7d28e17f72'],
  ["{{ 'abc' | hash }}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["{{ 'abc' | hash('sha256') }}", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ["{{ 'abc' | checksum }}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["{{ 'abc' | md5 }}", '900150983cd24fb0d6963f7d28e17f72'],
  ["{{ '/etc/hosts' | basename }}", 'hosts'],
  ["{{ '/a/b/' | basename }}", ''],
  ["{{ '/etc/hosts' | dirname }}", '/etc'],
  ["{{ '/a/b/' | dirname }}", '/a/b'],
  ["{{ 'hosts' | dirname }}", ''],
  ["{{ ['/etc', 'a', 'b.conf'] | path_join }}", '/etc/a/b.conf'],
  ["{{ ['/etc', '/abs'] | path_join }}", '/abs'],
  ["{{ 'simple' | quote }}", 'simple'],
  ["{{ 'a b' | quote }}", "'a b'"],
  ["{{ \"it's\" | quote }}", `'it'"'"'s'`],
  ["{{ '' | quote }}", "''"],
  ["{{ '$HOME; rm -rf /' | quote }}", "'$HOME; rm -rf /'"],
]);

cases('lists', [
  ['{{ [3, 1, 2] | sort }}', [1, 2, 3]],
  ["{{ ['b', 'A', 'c'] | sort }}", ['A', 'b', 'c']],
  ["{{ ['b', 'A', 'c'] | sort(case_sensitive=true) }}", ['A', 'b', 'c']],
  ['{{ [3, 1, 2] | sort(reverse=true) }}', [3, 2, 1]],
  ["{{ [{'n': 'b'}, {'n': 'a'}] | sort(attribute='n') }}", [{ n: 'a' }, { n: 'b' }]],
  ["{{ users | sort(attribute='name', reverse=true) | map(attribute='name') | list }}", ['b', 'a']],
  ['{{ [1, 2, 2] | unique }}', [1, 2]],
  ["{{ ['a', 'A', 'b'] | unique }}", ['a', 'b']],
  ["{{ [{'a': 1}, {'a': 1}] | unique }}", [{ a: 1 }]],
  ['{{ l | reverse | list }}', [2, 1]],
  ['{{ l | first }}', 1],
  ['{{ l | last }}', 2],
  ['{{ [] | first | default("none") }}', 'none'],
  ['{{ [3, 1] | min }}', 1],
  ['{{ [5, 3, 9] | max }}', 9],
  ["{{ users | max(attribute='name') }}", { name: 'b', groups: ['g3'] }],
  ['{{ [] | max | default("none") }}', 'none'],
  ['{{ l | sum }}', 3],
  ['{{ [[1, 2], [3]] | sum(start=[]) }}', [1, 2, 3]],
  ["{{ [{'v': 2}, {'v': 3}] | sum(attribute='v') }}", 5],
  ['{{ l | length }}', 2],
  ['{{ d | length }}', 1],
  ['{{ l | count }}', 2],
  ["{{ ['a', 'b'] | join(',') }}", 'a,b'],
  ['{{ [1, 2] | join }}', '12'],
  ["{{ users | join(', ', attribute='name') }}", 'a, b'],
  ['{{ [1, [2, [3]]] | flatten }}', [1, 2, 3]],
  ['{{ [1, [2, [3]]] | flatten(levels=1) }}', [1, 2, [3]]],
  ['{{ [1, none_var, [none_var, 2]] | flatten }}', [1, 2]],
  ["{{ [1, 2] | zip(['a', 'b']) | list }}", [[1, 'a'], [2, 'b']]],
  ["{{ [1, 2, 3] | zip(['a']) | list }}", [[1, 'a']]],
  ["{{ [1, 2] | zip_longest(['a'], fillvalue='-') | list }}", [[1, 'a'], [2, '-']]],
  ["{{ [1, 2] | product(['a', 'b']) | list }}", [[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]],
  ['{{ [1, 2] | union([2, 3]) }}', [1, 2, 3]],
  ['{{ [1, 2] | intersect([2, 3]) }}', [2]],
  ['{{ [1, 2] | difference([2, 3]) }}', [1]],
  ['{{ [1, 2] | symmetric_difference([2, 3]) }}', [1, 3]],
  ["{{ [1, 2, 3, 4, 5] | batch(2) | list }}", [[1, 2], [3, 4], [5]]],
]);

cases('map, select, reject', [
  ["{{ ['a', 'b'] | map('upper') | list }}", ['A', 'B']],
  ["{{ ['a', 'b'] | map('upper') }}", ['A', 'B']],
  ['{{ [1, 2, 3] | map("string") | list }}', ['1', '2', '3']],
  ["{{ ['1', '2'] | map('int') | sum }}", 3],
  ["{{ ['x'] | map('regex_replace', 'x', 'y') | list }}", ['y']],
  ["{{ users | map(attribute='name') | join(',') }}", 'a,b'],
  ["{{ users | map(attribute='groups.0') | list }}", ['g1', 'g3']],
  ["{{ users | map(attribute='missing', default='z') | list }}", ['z', 'z']],
  ["{{ users | map(attribute='groups') | map('length') | list }}", [2, 1]],
  ['{{ l | map("pow", 2) | list }}', [1, 4]],
  ["{{ ['a', 'b'] | map('extract', {'a': 1, 'b': 2}) | list }}", [1, 2]],
  ["{{ [0, 1] | map('extract', [['x', 'y'], ['z']], 0) | list }}", ['x', 'z']],
  ["{{ [1, 2, 3, 4] | select('odd') | list }}", [1, 3]],
  ["{{ [1, 2, 3, 4] | select('>', 2) | list }}", [3, 4]],
  ['{{ [1, none_var, 2, 0] | select | list }}', [1, 2]],
  ["{{ [1, 2, 3] | reject('in', [2]) | list }}", [1, 3]],
  ["{{ l | select('equalto', 2) | list }}", [2]],
  ["{{ [{'a': 1}, {'a': 2}] | selectattr('a', 'equalto', 2) | list }}", [{ a: 2 }]],
  ["{{ users | selectattr('name', 'match', 'a') | map(attribute='name') | list }}", ['a']],
  ["{{ users | rejectattr('name', 'in', ['a']) | map(attribute='name') | list }}", ['b']],
  ["{{ users | selectattr('groups', 'contains', 'g3') | map(attribute='name') | first }}", 'b'],
  ["{{ [{'a': 1}, {'b': 2}] | selectattr('a', 'defined') | list }}", [{ a: 1 }]],
  ["{{ [{'on': true}, {'on': false}] | selectattr('on') | list }}", [{ on: true }]],
  ["{{ users | groupby('name') | map('first') | list }}", ['a', 'b']],
  ["{{ (users | groupby('name'))[1].list[0].groups }}", ['g3']],
  ["{{ users | subelements('groups') | map('last') | list }}", ['g1', 'g2', 'g3']],
  ["{{ (users | subelements('groups'))[0][0].name }}", 'a'],
  ["{{ [{'n': 1}] | subelements('missing', skip_missing=true) }}", []],
]);

cases('dicts', [
  ['{{ {"a": 1} | dict2items }}', [{ key: 'a', value: 1 }]],
  ["{{ {'a': 1, 'b': 2} | dict2items(key_name='k', value_name='v') }}", [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]],
  ["{{ [{'key': 'a', 'value': 1}] | items2dict }}", { a: 1 }],
  ["{{ [{'k': 'a', 'v': 1}] | items2dict(key_name='k', value_name='v') }}", { a: 1 }],
  ["{{ {'a': 1} | combine({'b': 2}, {'c': 3}) }}", { a: 1, b: 2, c: 3 }],
  ["{{ [{'a': 1}, {'b': 2}] | combine }}", { a: 1, b: 2 }],
  ["{{ {'a': 1} | combine([{'b': 2}, {'c': 3}]) }}", { a: 1, b: 2, c: 3 }],
  ["{{ {'a': {'b': 1}} | combine({'a': {'c': 2}}) }}", { a: { c: 2 } }],
  ["{{ {'a': {'b': 1}} | combine({'a': {'c': 2}}, recursive=true) }}", { a: { b: 1, c: 2 } }],
  ["{{ {'a': [1]} | combine({'a': [2]}) }}", { a: [2] }],
  ["{{ {'a': [1]} | combine({'a': [2]}, list_merge='append') }}", { a: [1, 2] }],
  ["{{ {'a': [1]} | combine({'a': [2]}, list_merge='prepend') }}", { a: [2, 1] }],
  ["{{ {'a': [1]} | combine({'a': [2]}, list_merge='keep') }}", { a: [1] }],
  ["{{ {'a': [1, 2]} | combine({'a': [2, 3]}, list_merge='append_rp') }}", { a: [1, 2, 3] }],
  ["{{ {'a': {'x': [1]}} | combine({'a': {'x': [2], 'y': 3}}, recursive=true, list_merge='append') }}", { a: { x: [1, 2], y: 3 } }],
  ["{{ {'b': 1, 'a': 2} | dictsort }}", [['a', 2], ['b', 1]]],
]);

failures('collection errors', [
  ['{{ l | dict2items }}', /^dict2items requires a dictionary, got list instead\.$/],
  ["{{ {'a': 1} | combine({'b': 2}, bogus=1) }}", /only valid keyword arguments/],
  ['{{ 5 | length }}', /^object of type 'int' has no len\(\)$/],
  ["{{ [{'n': 1}] | subelements('missing') }}", /^could not find 'missing' key in iterated item/],
]);

cases('JSON', [
  ["{{ {'a': 1, 'b': 'é'} | to_json }}", '{"a": 1, "b": "\\u00e9"}'],
  ["{{ {'b': 1, 'a': 'é'} | to_json(sort_keys=true) }}", '{"a": "\\u00e9", "b": 1}'],
  ["{{ {'a': 'x'} | to_json(indent=2) }}", '{\n  "a": "x"\n}'],
  ["{{ 'x' | to_json }}", '"x"'],
  ["{{ [1, none_var, true] | to_json }}", '[1, null, true]'],
  ["{{ {'a': 1, 'b': [1, 2]} | to_nice_json }}", '{\n    "a": 1,\n    "b": [\n        1,\n        2\n    ]\n}'],
  ["{{ {'b': 1, 'a': {'d': 1, 'c': []}} | to_nice_json }}", '{\n    "a": {\n        "c": [],\n        "d": 1\n    },\n    "b": 1\n}'],
  ['{{ [] | to_nice_json }}', '[]'],
  ["{{ '[1,2]' | from_json }}", [1, 2]],
  ['{{ \'{"a": [1, true, null]}\' | from_json }}', { a: [1, true, null] }],
  ["{{ {'a': [1, 'x']} | to_json | from_json }}", { a: [1, 'x'] }],
]);

cases('YAML', [
  ['{{ {"a": [1, "x"], "b": {"c": none}} | to_yaml }}', 'a: [1, x]\nb: {c: null}\n'],
  ['{{ {"a": [1, "x"], "b": {"c": none}} | to_nice_yaml }}', 'a:\n- 1\n- x\nb:\n    c: null\n'],
  ['{{ l | to_yaml }}', '[1, 2]\n'],
  ["{{ 'a' | to_yaml }}", 'a\n'],
  ['{{ 3 | to_yaml }}', '3\n'],
  ["{{ {'b': 1, 'a': 'é'} | to_yaml }}", '{a: é, b: 1}\n'],
  ["{{ ['a,b', 'x y', '[z', ''] | to_yaml }}", "['a,b', x y, '[z', '']\n"],
  ["{{ {'env': {'A': '1', 'B': 'yes', 'C': 'x: y'}} | to_yaml }}", "env: {A: '1', B: 'yes', C: 'x: y'}\n"],
  ["{{ [{'a': 1, 'b': [1, 2]}, {'c': none}] | to_yaml }}", '- a: 1\n  b: [1, 2]\n- {c: null}\n'],
  ["{{ [{'a': 1, 'b': {'c': [1, 2]}}] | to_nice_yaml }}", '-   a: 1\n    b:\n        c:\n        - 1\n        - 2\n'],
  ["{{ [[1, 2], {'a': [3]}] | to_nice_yaml }}", '-   - 1\n    - 2\n-   a:\n    - 3\n'],
  ["{{ {'z': 1, 'a': [1, {'b': 2}]} | to_nice_yaml(indent=2) }}", 'a:\n- 1\n- b: 2\nz: 1\n'],
  ["{{ {'e': [], 'f': {}} | to_nice_yaml }}", 'e: []\nf: {}\n'],
  ["{{ 'a: [1, 2]' | from_yaml }}", { a: [1, 2] }],
  ["{{ 'b: yes' | from_yaml }}", { b: true }],
  ["{{ '- 1\n---\n- 2' | from_yaml_all }}", [[1], [2]]],
]);

describe('YAML text with newlines', () => {
  test('multi-line strings round-trip through to_nice_yaml and from_yaml', () => {
    const templar = createTemplar({ data: { script: 'line1\nline2\n', name: 'web' } });
    const text = templar.render('{{ data | to_nice_yaml }}') as string;
    assert.equal(createTemplar({ text }).render('{{ text | from_yaml }}') !== null, true);
    assert.deepEqual(createTemplar({ text }).render('{{ text | from_yaml }}'), { script: 'line1\nline2\n', name: 'web' });
  });
});

describe('fully qualified names', () => {
  test('ansible.builtin.<filter> works like the short name', () => {
    assert.equal(render("{{ {'a': 1} | ansible.builtin.to_json }}"), '{"a": 1}');
    assert.equal(render('{{ x is ansible.builtin.defined }}'), true);
  });
});
