import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { debugValues, projectWith, runLocal } from '../helpers/local-play.js';

const HOSTS = 'h1 ansible_connection=local\nh3 ansible_connection=local\nh2 ansible_connection=local\n';

describe('play keywords: vars_prompt, order, throttle, strategy, keywords on a roles entry', () => {
  test('vars_prompt without a terminal: the default (with a warning), -e skips the prompt, no default fails clearly', async () => {
    const dir = projectWith({
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  vars_prompt:
    - {name: colour, prompt: Which colour, default: green, private: false}
    - {name: given, prompt: Never asked}
  tasks:
    - debug: {msg: "{{ colour }} {{ given }}"}
`,
    });
    const run = await runLocal(dir, ['-e', 'given=extra']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['green extra']);
    assert.match(run.stdout + run.stderr, /Not prompting as we are not in interactive mode/);
    const missing = await runLocal(dir);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /playbook\.yml:6:8: vars_prompt 'given' has no default and there is no terminal to ask on: give it with -e given=VALUE/);
  });

  test('order sorts the play hosts; throttle and strategy free run every host', async () => {
    const dir = projectWith({
      'hosts.ini': HOSTS,
      'playbook.yml': `
- hosts: all
  gather_facts: false
  order: sorted
  tasks:
    - debug: {msg: "{{ ansible_play_hosts_all | join(',') }}"}
      run_once: true
    - command: "true"
      throttle: 1
      changed_when: false
- hosts: all
  gather_facts: false
  order: reverse_inventory
  strategy: free
  tasks:
    - debug: {msg: "{{ ansible_play_hosts_all | join(',') }}"}
      run_once: true
      when: inventory_hostname == 'h2'
    - command: "true"
      changed_when: false
`,
    });
    const run = await betifPlay(['playbook.yml', '-i', 'hosts.ini'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // As ansible-playbook 2.14 prints them: `order` orders the batch, ansible_play_hosts_all keeps the inventory's order.
    assert.deepEqual(debugValues(run.stdout), ['h1,h3,h2', 'h1,h3,h2']);
    assert.deepEqual(Object.fromEntries(Object.entries(parseRecap(run.stdout)).map(([host, counts]) => [host, counts.ok])), { h1: 3, h2: 3, h3: 2 });
  });

  test('ANSIBLE_STRATEGY=free lets a host go on ahead of a slow one; the play keyword strategy wins over it', async () => {
    const play = (name: string, keyword: string) => `
- name: ${name}
  hosts: h1,h2
  gather_facts: false${keyword}
  tasks:
    - name: slow on h1
      command: sleep 1
      when: inventory_hostname == 'h1'
    - name: next
      debug: {msg: "next on {{ inventory_hostname }}"}
`;
    const dir = projectWith({ 'hosts.ini': HOSTS, 'playbook.yml': `${play('free', '')}${play('linear', '\n  strategy: linear')}` });
    const run = await betifPlay(['playbook.yml', '-i', 'hosts.ini'], { cwd: dir, env: { ANSIBLE_STRATEGY: 'free' } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [free, linear] = run.stdout.split('PLAY [linear]');
    assert.ok(free.indexOf('next on h2') < free.indexOf('changed: [h1]'), free);
    assert.ok(linear.indexOf('changed: [h1]') < linear.indexOf('next on h2'), linear);
  });

  test('keywords on a roles entry (environment, become...) apply to the role tasks and are not role parameters', async () => {
    const dir = projectWith({
      'roles/r/tasks/main.yml': '- command: printenv LEVEL\n  register: level\n  changed_when: false\n- debug: {msg: "{{ level.stdout }} {{ environment | default(\'not a parameter\') }}"}\n',
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  environment: {LEVEL: play}
  roles:
    - role: r
      environment: {LEVEL: role}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['role not a parameter']);
  });

  test('bad values are refused at load time with their position', async () => {
    const dir = projectWith({ 'playbook.yml': '- hosts: localhost\n  order: random\n  tasks: []\n' });
    const run = await runLocal(dir);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /playbook\.yml:2:3: the play keyword 'order' must be one of: inventory, reverse_inventory, sorted, reverse_sorted, shuffle/);
  });
});
