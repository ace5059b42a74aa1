import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecap } from '../helpers/cli.js';
import { debugValues, projectWith, runLocal } from '../helpers/local-play.js';

describe('older playbook spellings that ansible-core 2.14 still accepts', () => {
  test('play, block and task vars given as a list of mappings merge in order', async () => {
    const dir = projectWith({
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  vars:
    - {a: 1, b: 2}
    - {b: 3}
  tasks:
    - block:
        - debug: {msg: "{{ a }} {{ b }} {{ c }} {{ d }}"}
          vars: [{d: task}]
      vars:
        - {c: block}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['1 3 block task']);
  });

  test('action: and local_action: as text or as a mapping with module:', async () => {
    const dir = projectWith({
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - action: debug msg=text
    - action: {module: debug, msg: mapping}
    - local_action: debug msg=local
    - local_action: {module: ansible.builtin.debug, msg: local-mapping}
    - action: debug
      args: {msg: with-args}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['text', 'mapping', 'local', 'local-mapping', 'with-args']);
    assert.match(run.stdout, /TASK \[debug\]/);
  });

  test('action: with include_role, import_role, include_tasks and meta given as key=value text', async () => {
    const dir = projectWith({
      'roles/r/tasks/main.yml': '- debug: {msg: "role {{ x }}"}\n',
      'roles/r/tasks/o.yml': '- debug: {msg: other}\n',
      'inc.yml': '- debug: {msg: inc}\n',
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - action: include_role name=r
      vars: {x: 1}
    - action: import_role name=r tasks_from=o
    - action: include_tasks inc.yml
    - action: include_tasks file=inc.yml
    - action: meta noop
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['role 1', 'other', 'inc', 'inc']);
  });

  test('local_action beside delegate_to is refused at load time with its position', async () => {
    const dir = projectWith({ 'playbook.yml': '- hosts: localhost\n  tasks:\n    - local_action: debug msg=x\n      delegate_to: h2\n' });
    const run = await runLocal(dir);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /playbook\.yml:4:7: 'local_action' and 'delegate_to' cannot be used together/);
  });

  test('key=value arguments beside args: (the written ones win)', async () => {
    const dir = projectWith({
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: msg=written
      args: {msg: from-args, verbosity: 0}
`,
    });
    const run = await runLocal(dir);
    assert.deepEqual(debugValues(run.stdout), ['written']);
  });

  test('with_items over a bare name loops over that text, as 2.14 does (no variable lookup)', async () => {
    const dir = projectWith({
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  vars: {packages: [a, b]}
  tasks:
    - debug: {msg: "{{ item }}"}
      with_items: packages
`,
    });
    const run = await runLocal(dir);
    assert.match(run.stdout, /ok: \[localhost\] => \(item=packages\)/);
  });

  test('YAML anchors, aliases and merge keys (a list of merges; the mapping own keys win)', async () => {
    const dir = projectWith({
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  vars:
    base: &base {x: 1, y: 2}
    extra: &extra {y: 3, z: 4}
    merged:
      y: 9
      <<: [*base, *extra]
    first_wins:
      <<: [*extra, *base]
    quoted: {"<<": kept}
  tasks:
    - &shown
      name: first
      debug: {msg: "{{ merged | to_json }}|{{ first_wins | to_json }}|{{ quoted | to_json }}"}
    - <<: *shown
      name: second
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [first, second] = debugValues(run.stdout);
    assert.equal(first, second);
    const [merged, firstWins, quoted] = String(first).split("|").map((text) => JSON.parse(text));
    assert.deepEqual(merged, { x: 1, y: 9, z: 4 });
    assert.deepEqual(firstWins, { x: 1, y: 3, z: 4 });
    assert.deepEqual(quoted, { '<<': 'kept' });
    assert.match(run.stdout, /TASK \[second\]/);
    assert.deepEqual(parseRecap(run.stdout).localhost.ok, 2);
  });
});
