import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { betifPlay, parseRecap } from '../helpers/cli.js';

// The second task's input (the folder) comes from the first: in --check it cannot be planned against the host.
const PLAYBOOK = `
- name: a plan with a dependency
  hosts: all
  gather_facts: false
  tasks:
    - name: the folder
      file: {path: "{{ work }}/etc", state: directory, mode: "0755"}
      register: folder
    - name: the file in the folder
      copy: {dest: "{{ work }}/etc/app.conf", content: "port=80\\n"}
      when: not (ansible_check_mode and folder is changed)
    - name: a check that only runs for real
      command: cat {{ work }}/etc/app.conf
      changed_when: false
      when: not ansible_check_mode
`;

describe('--check plans a task that waits for an earlier task as "changed (depends on: TASK)"', () => {
  let work: string;
  let inventory: string;
  let playbook: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-check-plan-'));
    inventory = join(work, 'hosts.ini');
    writeFileSync(inventory, `one ansible_connection=local\n[all:vars]\nwork=${work}\n`);
    playbook = join(work, 'site.yml');
    writeFileSync(playbook, PLAYBOOK);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the check run reports the dependent task as changed with its reason, in the output and in --json, and changes nothing', async () => {
    const check = await betifPlay([playbook, '-i', inventory, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /TASK \[the file in the folder\] \*+\nchanged: \[one\] \(depends on: the folder\)\n/);
    assert.match(check.stdout, /TASK \[a check that only runs for real\] \*+\nskipping: \[one\]\n/);
    assert.equal(parseRecap(check.stdout).one.changed, 2);
    assert.equal(existsSync(join(work, 'etc')), false);

    const json = await betifPlay([playbook, '-i', inventory, '--check', '--json']);
    const tasks = JSON.parse(json.stdout).plays[0].tasks as { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[];
    const dependent = tasks.find((entry) => entry.task.name === 'the file in the folder')?.hosts.one;
    assert.deepEqual({ changed: dependent?.changed, depends_on: dependent?.depends_on, msg: dependent?.msg }, { changed: true, depends_on: 'the folder', msg: 'changed (depends on: the folder)' });
  });

  test('the real run changes exactly the tasks the plan reported as changed; a check after it plans nothing', async () => {
    const real = await betifPlay([playbook, '-i', inventory]);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /TASK \[the folder\] \*+\nchanged: \[one\]\n/);
    assert.match(real.stdout, /TASK \[the file in the folder\] \*+\nchanged: \[one\]\n/);
    assert.equal(parseRecap(real.stdout).one.changed, 2);

    const again = await betifPlay([playbook, '-i', inventory, '--check']);
    assert.equal(parseRecap(again.stdout).one.changed, 0, again.stdout);
    assert.doesNotMatch(again.stdout, /depends on/);
  });
});
