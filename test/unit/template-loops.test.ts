import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { ActionTask } from '../../src/playbook/types.js';
import { LoopError, loopItems } from '../../src/runner/loops.js';
import { TemplateError, createTemplar, markUnsafe, stripUnsafe } from '../../src/template/templar.js';

const root = mkdtempSync(join(tmpdir(), 'betif-loops-'));
for (const path of ['files/a.conf', 'files/b.conf', 'templates/site.j2', 'vars/Debian.yml']) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), '');
}

const VARS = {
  packages: ['vim', ['git', 'curl']],
  settings: { port: 80, host: 'web' },
  users: [{ name: 'alice', keys: ['k1', 'k2'] }],
  last: 3,
};

function rawItems(keywords: Record<string, unknown>, action = 'debug', vars: Record<string, unknown> = VARS): unknown[] | undefined {
  const task = { kind: 'action', action, keywords } as unknown as ActionTask;
  return loopItems(task, createTemplar(vars, { searchPaths: [root] }));
}

/** The items of a task with these keywords (and action), as the runner computes them, in plain text. */
function items(keywords: Record<string, unknown>, action = 'debug'): unknown[] | undefined {
  return stripUnsafe(rawItems(keywords, action)) as unknown[] | undefined;
}

/** What `{{ item }}` shows for each item of a loop over these variables. */
function itemsRead(keywords: Record<string, unknown>, vars: Record<string, unknown>): unknown[] {
  return (rawItems(keywords, 'debug', vars) ?? []).map((item) => createTemplar({ ...vars, item }).render('{{ item }}'));
}

describe('loop and with_<lookup>', () => {
  test('no loop keyword: no items', () => {
    assert.equal(items({}), undefined);
  });

  test('loop takes a list as it is and refuses anything else', () => {
    assert.deepEqual(items({ loop: '{{ packages }}' }), ['vim', ['git', 'curl']]);
    assert.throws(() => items({ loop: '{{ settings }}' }), (error: unknown) => error instanceof LoopError && error.message.startsWith("Invalid data passed to 'loop', it requires a list, got this instead: {'port': 80, 'host': 'web'}. Hint:"));
  });

  test('with_items flattens one level; with_list does not', () => {
    assert.deepEqual(items({ with_items: '{{ packages }}' }), ['vim', 'git', 'curl']);
    assert.deepEqual(items({ with_list: '{{ packages }}' }), ['vim', ['git', 'curl']]);
    assert.deepEqual(items({ with_items: 'one' }), ['one']);
  });

  test('with_dict, with_indexed_items, with_together, with_nested', () => {
    assert.deepEqual(items({ with_dict: '{{ settings }}' }), [{ key: 'port', value: 80 }, { key: 'host', value: 'web' }]);
    assert.deepEqual(items({ with_indexed_items: ['a', 'b'] }), [[0, 'a'], [1, 'b']]);
    assert.deepEqual(items({ with_together: [['a', 'b'], [1]] }), [['a', 1], ['b', null]]);
    assert.deepEqual(items({ with_nested: [['a', 'b'], [1, 2]] }), [['a', 1], ['a', 2], ['b', 1], ['b', 2]]);
  });

  test('with_sequence, in both forms, templated first', () => {
    assert.deepEqual(items({ with_sequence: 'start=1 end={{ last }}' }), ['1', '2', '3']);
    assert.deepEqual(items({ with_sequence: '2-8/3' }), ['2', '5', '8']);
  });

  test('with_subelements, with_flattened, with_random_choice, with_fileglob', () => {
    assert.deepEqual(items({ with_subelements: ['{{ users }}', 'keys'] }), [[{ name: 'alice' }, 'k1'], [{ name: 'alice' }, 'k2']]);
    assert.deepEqual(items({ with_flattened: [1, [2, [3]]] }), [1, 2, 3]);
    assert.equal(items({ with_random_choice: ['x', 'y'] })?.length, 1);
    assert.deepEqual(items({ with_fileglob: '*.conf' }), [join(root, 'files/a.conf'), join(root, 'files/b.conf')]);
  });

  test("with_first_found looks in the folder the action's name implies", () => {
    assert.deepEqual(items({ with_first_found: ['site.j2'] }, 'template'), [join(root, 'templates/site.j2')]);
    assert.deepEqual(items({ with_first_found: ['Debian.yml'] }, 'include_vars'), [join(root, 'vars/Debian.yml')]);
    assert.deepEqual(items({ with_first_found: ['a.conf'] }, 'copy'), [join(root, 'files/a.conf')]);
    assert.deepEqual(items({ with_first_found: [{ files: ['missing'], skip: true }] }, 'copy'), []);
  });

  test('with_ items, and the items of an unsafe list, are never templated again when read; other items are', () => {
    const vars = { x: 1, braces: "{{ '{{' }} x }}", unsafeList: markUnsafe(['{{ x }}']) };
    assert.deepEqual(itemsRead({ with_items: ['{{ braces }}'] }, vars), ['{{ x }}']);
    assert.deepEqual(itemsRead({ loop: '{{ unsafeList }}' }, vars), ['{{ x }}']);
    assert.deepEqual(itemsRead({ loop: ['{{ braces }}'] }, vars), [1]);
  });

  test('with_first_found passes over names using undefined variables', () => {
    assert.deepEqual(items({ with_first_found: ['{{ nope }}.conf', 'a.conf'] }, 'copy'), [join(root, 'files/a.conf')]);
    assert.deepEqual(items({ with_first_found: [{ files: ['{{ nope.x }}.yml', 'Debian.yml'], paths: ['vars'] }] }), [join(root, 'vars/Debian.yml')]);
    assert.throws(() => items({ with_items: ['{{ nope }}'] }), (error: unknown) => error instanceof TemplateError && error.message === "'nope' is undefined");
  });

  test('with_ any other lookup: with_env, with_lines, with_file', () => {
    process.env.BETIF_LOOPS_TEST = 'set';
    assert.deepEqual(items({ with_env: 'BETIF_LOOPS_TEST' }), ['set']);
    assert.deepEqual(items({ with_lines: 'printf "1\\n2\\n"' }), ['1', '2']);
    assert.deepEqual(items({ with_file: 'a.conf' }), ['']);
  });

  test('an unknown lookup is reported as Ansible reports it', () => {
    assert.throws(() => items({ with_nosuch: [1] }), (error: unknown) => error instanceof LoopError && error.message === 'lookup plugin (nosuch) not found');
  });

  test("a with_ lookup's own error is the task's message as it is; list lookups refuse a mapping", () => {
    assert.throws(() => items({ with_together: [] }), (error: unknown) => error instanceof LoopError && error.message === 'with_together requires at least one element in each list');
    assert.throws(() => items({ with_indexed_items: { a: 1 } }), (error: unknown) => error instanceof LoopError && error.message === 'with_indexed_items expects a list');
    assert.throws(() => items({ with_list: { a: 1 } }), (error: unknown) => error instanceof LoopError && error.message === 'with_list expects a list');
  });
});
