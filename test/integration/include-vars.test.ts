import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { debugValues, projectWith, runLocal } from '../helpers/local-play.js';

const PROJECT = {
  'vars/one.yml': 'one: 1\n',
  'vars/prec.yml': 'p: included\ns: included\nt: included\n',
  'vars/bad.yml': '[1, 2]\n',
  'vars/d/a.yml': 'a: 1\n',
  'vars/d/b.yml': 'b: 2\n',
  'vars/d/x.yml': 'x: 9\n',
  'vars/d/c.json': '{"j": 5}\n',
  'vars/d/notes.txt': 'not vars\n',
  'vars/d/sub/deep.yml': 'deep: 3\n',
  'tasks/local.yml': 'local: beside-the-tasks-file\n',
  'tasks/inc.yml': '- include_vars: local.yml\n- debug: {msg: "{{ local }}"}\n',
  'roles/r/tasks/main.yml': '- include_vars: rv.yml\n- include_vars: {dir: extra}\n- debug: {msg: "{{ rv }} {{ ex }}"}\n',
  'roles/r/vars/rv.yml': 'rv: role\n',
  'roles/r/vars/extra/e.yml': 'ex: 1\n',
};

describe('include_vars loads variables on the controller at their own precedence level', () => {
  test('file forms, name, dir filters and depth, relative paths as Ansible searches them', async () => {
    const dir = projectWith({
      ...PROJECT,
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - include_vars: vars/one.yml
    - include_vars: one.yml
      register: loaded
    - include_vars: {file: one.yml, name: scoped}
    - debug: {msg: "{{ one }} {{ scoped.one }} {{ loaded.ansible_included_var_files | length }}"}
    - include_vars: {dir: vars/d, files_matching: '^a', depth: 1}
    - debug: {msg: "{{ a }} {{ b | default('none') }}"}
    - include_vars: {dir: vars/d, ignore_files: [b.yml, 'x\\.yml'], name: dd, ignore_unknown_extensions: true}
    - debug: {msg: "{{ dd | to_json }}"}
    - include_tasks: tasks/inc.yml
    - import_role: {name: r}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['1 1 1', '1 none', '{"a": 1, "j": 5, "deep": 3}', 'beside-the-tasks-file', 'role 1']);
  });

  test('above task vars, below set_fact and extra vars', async () => {
    const dir = projectWith({
      ...PROJECT,
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  vars: {p: play, s: play}
  tasks:
    - set_fact: {s: set_fact}
    - include_vars: prec.yml
    - debug: {msg: "{{ p }} {{ s }} {{ t }} {{ e }}"}
      vars: {t: task, e: task}
`,
    });
    const run = await runLocal(dir, ['-e', 'e=extra']);
    assert.deepEqual(debugValues(run.stdout), ['included set_fact included extra']);
  });

  test('failures carry Ansible message (missing file with the places searched, bad content, missing dir)', async () => {
    const dir = projectWith({
      ...PROJECT,
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - include_vars: nothere.yml
      ignore_errors: true
    - include_vars: bad.yml
      ignore_errors: true
    - include_vars: {dir: nodir}
      ignore_errors: true
    - include_vars: {dir: vars/d}
      ignore_errors: true
    - include_vars: {file: one.yml, depth: 2}
      ignore_errors: true
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`"message": "Could not find or access 'nothere.yml'\\\\nSearched in:\\\\n\\\\t${dir}/vars/nothere.yml\\\\n\\\\t${dir}/nothere.yml`));
    assert.match(run.stdout, /"message": "[^"]*vars\/bad\.yml must be stored as a dictionary\/hash"/);
    assert.match(run.stdout, /"message": "[^"]*\/nodir directory does not exist"/);
    assert.match(run.stdout, /"message": "[^"]*vars\/d\/notes\.txt does not have a valid extension: yaml, yml, json"/);
    assert.match(run.stdout, /You are mixing file only and dir only arguments, these are incompatible/);
    assert.equal(parseRecap(run.stdout).localhost.ignored, 5);
  });

  test('an unknown argument is refused at load time', async () => {
    const dir = projectWith({ 'playbook.yml': '- hosts: localhost\n  tasks:\n    - include_vars: {file: a.yml, nmae: x}\n' });
    const run = await runLocal(dir);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /playbook\.yml:3:7: unsupported argument 'nmae' for module 'include_vars' \(did you mean 'name'\?\)/);
  });

  test('a folded free-form file name (include_vars: >) is found when the play is checked before a run on remote hosts', async () => {
    const dir = projectWith({
      'inventory.ini': 'remote ansible_host=127.0.0.1 ansible_port=1\n',
      'roles/r/tasks/main.yml': '- include_vars: >\n    services/folded.yml\n\n- debug: {msg: "{{ folded }}"}\n',
      'roles/r/vars/services/folded.yml': 'folded: raw\n',
      'playbook.yml': '- hosts: remote\n  gather_facts: false\n  roles: [r]\n',
    });
    const run = await betifPlay([join(dir, 'playbook.yml'), '-i', join(dir, 'inventory.ini'), '--syntax-check'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /playbook: .*playbook\.yml/);
  });
});
