import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { betifPlay } from '../helpers/cli.js';

let work: string;
let marker: string;

function playbookWith(name: string, tasks: string): string {
  const path = join(work, `${name}.yml`);
  writeFileSync(path, `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: would run first\n      file: {path: ${marker}, state: touch}\n${tasks}`);
  return path;
}

async function expectInvalid(path: string, message: RegExp): Promise<void> {
  const run = await betifPlay([path, '-i', 'localhost,', '-e', 'ansible_connection=local']);
  assert.equal(run.code, 4, run.stdout + run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stderr.trim().split('\n').length, 1, `one message, got: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(marker), false, 'nothing ran on any host');
}

describe('an invalid playbook gets one clear message with file:line:column, exit code 4, and nothing runs', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-invalid-'));
    marker = join(work, 'marker');
  });

  test('malformed YAML', async () => {
    const path = playbookWith('yaml', '    - name: broken\n      copy: {dest: /tmp/x\n');
    await expectInvalid(path, new RegExp(`^ERROR! ${path}:\\d+:\\d+: YAML syntax error`));
  });

  test('an unknown module, with a suggestion', async () => {
    const path = playbookWith('module', '    - name: typo\n      copi: {dest: /tmp/x, content: a}\n');
    await expectInvalid(path, new RegExp(`${path}:7:7: couldn't resolve module/action 'copi' \\(did you mean 'copy'\\?\\)`));
  });

  test('an unknown argument, with a suggestion', async () => {
    const path = playbookWith('argument', '    - name: typo\n      copy: {dest: /tmp/x, contnet: a}\n');
    await expectInvalid(path, new RegExp(`${path}:7:7: unsupported argument 'contnet' for module 'copy' \\(did you mean 'content'\\?\\)`));
  });

  test('a missing required argument', async () => {
    const path = playbookWith('required', '    - file: {state: directory}\n');
    await expectInvalid(path, new RegExp(`${path}:6:7: missing required argument 'path' for module 'file'`));
  });

  test('an argument of the wrong type', async () => {
    const path = playbookWith('type', '    - lineinfile: {path: /tmp/x, line: a, create: [1]}\n');
    await expectInvalid(path, new RegExp(`${path}:6:7: argument 'create' must be boolean`));
  });

  test('a misspelt task keyword', async () => {
    const path = playbookWith('keyword', '    - name: typo\n      debug: {msg: hi}\n      whenn: true\n');
    await expectInvalid(path, new RegExp(`${path}:8:7: unknown keyword 'whenn' \\(did you mean 'when'\\?\\)`));
  });

  test('a misspelt play keyword', async () => {
    const path = join(work, 'play.yml');
    writeFileSync(path, '- hosts: all\n  taks:\n    - debug: {msg: hi}\n');
    await expectInvalid(path, new RegExp(`${path}:2:3: 'taks' is not a valid attribute for a play \\(did you mean 'tasks'\\?\\)`));
  });

  test('an error inside a role names the role file', async () => {
    mkdirSync(join(work, 'roles', 'broken', 'tasks'), { recursive: true });
    const roleTasks = join(work, 'roles', 'broken', 'tasks', 'main.yml');
    writeFileSync(roleTasks, '- name: fine\n  debug: {msg: ok}\n- name: bad\n  file: {path: /tmp/x, state: sideways}\n');
    const path = join(work, 'role.yml');
    writeFileSync(path, `- hosts: all\n  gather_facts: false\n  pre_tasks:\n    - file: {path: ${marker}, state: touch}\n  roles: [broken]\n`);
    await expectInvalid(path, new RegExp(`${roleTasks}:4:3: argument 'state' must be one of: `));
  });

  test('an undefined variable fails the task with its name and file:line', async () => {
    const path = join(work, 'undefined.yml');
    writeFileSync(path, '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: uses a typo\n      debug: {msg: "{{ nope }}"}\n');
    const run = await betifPlay([path, '-i', 'localhost,', '-e', 'ansible_connection=local']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`fatal: \\[localhost\\]: FAILED! => [\\s\\S]*${path}:4:7: task 'uses a typo': 'nope' is undefined`));
  });

  test('bad options exit with code 5', async () => {
    const run = await betifPlay(['--forks', 'many', 'x.yml']);
    assert.equal(run.code, 5);
    assert.match(run.stderr, /--forks/);
  });

  test('a missing playbook is one message, exit code 4', async () => {
    const run = await betifPlay([join(work, 'nope.yml'), '-i', 'localhost,']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^ERROR! the playbook .*nope\.yml could not be found\n$/);
  });
});
