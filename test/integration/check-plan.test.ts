import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { betifPlay, changedTasks, parseRecap } from '../helpers/cli.js';

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

// The later tasks wait for the tool without naming the task that makes it: a guard on a stat, an include, a loop and
// a command handler, which --check cannot read or run before the tool exists.
const WAITING_PLAYBOOK = `
- name: a plan whose tasks wait for an earlier task they do not name
  hosts: all
  gather_facts: false
  tasks:
    - name: the tool
      copy: {dest: "{{ work }}/tool", content: "v1\\n"}
      notify: the tool's cache
    - name: is the tool there
      stat: {path: "{{ work }}/tool"}
      register: tool
    - name: the tool's settings
      include_tasks: settings.yml
      when: tool.stat.exists or not ansible_check_mode
    - name: the tool answers
      wait_for: {path: "{{ work }}/tool", timeout: 1}
      when: tool.stat.exists or not ansible_check_mode
  handlers:
    - name: the tool's cache
      command: touch {{ work }}/cache
`;
const SETTINGS = `
- name: the settings folder
  file: {path: "{{ work }}/etc", state: directory, mode: "0755"}
- name: the settings files
  copy: {dest: "{{ work }}/etc/{{ item }}", content: "{{ item }}\\n"}
  loop: [a.conf, b.conf]
- name: a note
  debug: {msg: settings}
`;

describe('--check plans the tasks that wait for an earlier task they do not name: guards, includes, loops, handlers', () => {
  let work: string;
  let inventory: string;
  let playbook: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-check-plan-'));
    mkdirSync(join(work, 'site'));
    inventory = join(work, 'hosts.ini');
    writeFileSync(inventory, `one ansible_connection=local\n[all:vars]\nwork=${work}/site\n`);
    playbook = join(work, 'site.yml');
    writeFileSync(playbook, WAITING_PLAYBOOK);
    writeFileSync(join(work, 'settings.yml'), SETTINGS);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the check run plans as changed exactly what the real run changes, each waiting task naming the last change before it', async () => {
    const check = await betifPlay([playbook, '-i', inventory, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /TASK \[the settings folder\] \*+\nchanged: \[one\] \(depends on: the tool\)\n/);
    assert.match(check.stdout, /TASK \[the settings files\] \*+\nchanged: \[one\] => \(item=a\.conf\) \(depends on: the tool\)\nchanged: \[one\] => \(item=b\.conf\) \(depends on: the tool\)\n/);
    assert.match(check.stdout, /TASK \[a note\] \*+\nok: \[one\]/);
    assert.match(check.stdout, /TASK \[the tool answers\] \*+\nskipping: \[one\]\n/, 'a task that only reads is not planned as a change');
    assert.match(check.stdout, /RUNNING HANDLER \[the tool's cache\] \*+\nchanged: \[one\] \(depends on: the tool\)\n/);
    assert.deepEqual(readdirSync(join(work, 'site')), [], 'the check run changes nothing');

    const json = await betifPlay([playbook, '-i', inventory, '--check', '--json']);
    const tasks = JSON.parse(json.stdout).plays[0].tasks as { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[];
    const files = tasks.find((entry) => entry.task.name === 'the settings files')?.hosts.one;
    assert.equal(files?.depends_on, 'the tool');

    const real = await betifPlay([playbook, '-i', inventory]);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.deepEqual(changedTasks(check.stdout), changedTasks(real.stdout));
    assert.deepEqual(changedTasks(real.stdout), ['the settings files\tone', 'the settings folder\tone', 'the tool\tone', "the tool's cache\tone"]);

    const again = await betifPlay([playbook, '-i', inventory, '--check']);
    assert.equal(parseRecap(again.stdout).one.changed, 0, again.stdout);
    assert.doesNotMatch(again.stdout, /depends on/);
  });

  test('a bare `when: not ansible_check_mode` reads no state: the task stays out of the plan, as in Ansible', async () => {
    const realOnly = join(work, 'real-only.yml');
    writeFileSync(realOnly, `
- hosts: all
  gather_facts: false
  tasks:
    - name: the marker
      copy: {dest: "{{ work }}/marker", content: "x\\n"}
    - name: only for real
      file: {path: "{{ work }}/real", state: touch}
      when: not ansible_check_mode
`);
    const check = await betifPlay([realOnly, '-i', inventory, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /TASK \[only for real\] \*+\nskipping: \[one\]\n/);
  });
});
