import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { TemplateError, createTemplar, type TextOptions } from '../../src/template/templar.js';

const root = mkdtempSync(join(tmpdir(), 'betif-template-files-'));
for (const [path, text] of Object.entries({
  'templates/macros.j2': '{% macro greet(n) %}hello {{ n }}{% endmacro %}',
  'templates/sub/part.j2': 'part {{ name }}\n',
  'templates/header.j2': '# {{ ansible_managed }}\n',
  'templates/sub/outer.j2': "{% include 'part.j2' %}|{{ template_path }}|{{ extra }}\n",
})) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Each expected text was rendered by ansible-core 2.14's template module from the same source and options. */
function render(text: string, options: TextOptions = {}): string {
  return createTemplar({ name: 'web', items: [1, 2] }, { searchPaths: [root] }).renderText(text, options);
}

describe('template files: includes, imports, set blocks', () => {
  test("{% import %} and {% from ... import %} find macros in the search path's templates/ folder", () => {
    assert.equal(render("{% from 'macros.j2' import greet %}{{ greet(name) }}\n"), 'hello web\n');
    assert.equal(render("{% import 'macros.j2' as m %}{{ m.greet('x') }}\n"), 'hello x\n');
  });

  test("{% include %} also finds files beside the template (the template module adds the template's folder)", () => {
    assert.equal(render("{% include 'part.j2' %}", { includePaths: [join(root, 'templates/sub')] }), 'part web');
    assert.equal(render("{% include 'sub/part.j2' %}|\n"), 'part web|\n');
  });

  test('{% set %} blocks capture their body', () => {
    assert.equal(render('{% set block %}\nA {{ name }}\n{% endset %}[{{ block }}]\n'), '[A web\n]\n');
  });

  test('variables given to the template only (template_path, ansible_managed)', () => {
    assert.equal(render("{% include 'header.j2' %}{{ template_path }}\n", { vars: { ansible_managed: 'Ansible managed', template_path: 'x.j2' } }), '# Ansible managedx.j2\n');
  });
});

test("lookup('template') gives template_* variables, template_vars, and includes beside the file", () => {
  const templar = createTemplar({ name: 'web' }, { searchPaths: [root] });
  assert.equal(templar.evaluate("lookup('template', 'sub/outer.j2', template_vars={'extra': 'x'})"), 'part web|sub/outer.j2|x\n');
  assert.equal(templar.evaluate("lookup('template', 'header.j2')"), '# Ansible managed\n');
});

describe('template files: whitespace and delimiters', () => {
  const loop = '  {% for i in items %}\n  x{{ i }}\n  {% endfor %}\n';

  test('trim_blocks is on by default; lstrip_blocks removes the indentation of block tags', () => {
    assert.equal(render(loop), '    x1\n    x2\n  \n');
    assert.equal(render(loop, { lstripBlocks: true }), '  x1\n  x2\n');
    assert.equal(render('{% for i in items %}\nx{{ i }}\n{% endfor %}\n', { trimBlocks: false }), '\nx1\n\nx2\n');
  });

  test('lstrip_blocks also removes the indentation of comments', () => {
    assert.equal(render('a {# c #}\nb\n  {# d #}\nc\n', { lstripBlocks: true }), 'a b\nc\n');
    assert.equal(render('a {# c #}\nb\n  {# d #}\nc\n'), 'a b\n  c\n');
  });

  test('newline_sequence ends every line with the sequence', () => {
    assert.equal(render('a {{ name }}\nb\n', { newlineSequence: '\r\n' }), 'a web\r\nb\r\n');
  });

  test('a #jinja2: first line overrides the settings and is not rendered', () => {
    assert.equal(render('#jinja2: trim_blocks: False, lstrip_blocks: True\n  {% for i in items %}\nx{{ i }}\n  {% endfor %}\n'), '\nx1\n\nx2\n');
    assert.equal(render("#jinja2:variable_start_string:'[%', variable_end_string:'%]'\n[% name %] {{ name }}\n"), 'web {{ name }}\n');
    assert.equal(render("#jinja2: newline_sequence: '\\r\\n'\na\nb\n"), 'a\r\nb\r\n');
  });

  test('custom delimiters given as options', () => {
    assert.equal(render('<< name >> {{ name }}\n', { tags: { variableStart: '<<', variableEnd: '>>' } }), 'web {{ name }}\n');
  });

  test('a malformed override line is an error', () => {
    assert.throws(() => render('#jinja2: trim_blocks=False\nx'), (error: unknown) => error instanceof TemplateError && error.message.startsWith("failed to parse jinja2 override 'trim_blocks=False'"));
  });
});
