import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { projectWith } from '../helpers/local-play.js';

const HOSTS = 'h1 ansible_connection=local\nh2 ansible_connection=local\nh3 ansible_connection=local\n';

function run(playbook: string) {
  const dir = projectWith({ 'hosts.ini': HOSTS, 'playbook.yml': playbook });
  return betifPlay(['playbook.yml', '-i', 'hosts.ini'], { cwd: dir });
}

function okHosts(stdout: string, task: string): string[] {
  const section = stdout.split(`TASK [${task}]`)[1]?.split(/\n(?:TASK|PLAY|RUNNING)/)[0] ?? '';
  return [...section.matchAll(/^ok: \[(\w+)\]/gm)].map((match) => match[1]);
}

describe('meta tasks as ansible-core 2.14 runs them (never counted in the recap)', () => {
  test('end_host ends one host, end_batch the current serial batch, end_play the whole play', async () => {
    const result = await run(`
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - meta: end_host
      when: inventory_hostname == 'h1'
    - debug: {msg: after-end-host}
    - meta: end_batch
      when: inventory_hostname == 'h3'
    - debug: {msg: after-end-batch}
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: second}
    - meta: end_play
    - debug: {msg: never}
`);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /TASK \[meta\] \*+\nskipping: \[h2\]/);
    assert.deepEqual(parseRecap(result.stdout), {
      h1: { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
      h2: { ok: 3, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
      h3: { ok: 2, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
    });
    assert.doesNotMatch(result.stdout, /never/);
    assert.equal(result.stdout.match(/PLAY \[all\]/g)?.length, 3, 'one banner per serial batch');
  });

  test('clear_host_errors brings failed hosts back for the next plays; clear_facts forgets gathered facts', async () => {
    const result = await run(`
- hosts: all
  gather_facts: false
  tasks:
    - setup: {}
      when: inventory_hostname == 'h1'
    - fail: {msg: boom}
      when: inventory_hostname == 'h2'
    - meta: clear_host_errors
    - name: in this play
      debug: {msg: still}
    - meta: clear_facts
    - name: facts
      debug: {msg: "{{ ansible_facts.hostname | default('cleared') }}"}
- hosts: all
  gather_facts: false
  tasks:
    - name: next play
      debug: {msg: back}
`);
    assert.equal(result.code, 0, 'no host is failed at the end');
    assert.deepEqual(okHosts(result.stdout, 'in this play'), ['h1', 'h3']);
    assert.match(result.stdout, /TASK \[facts\] \*+\nok: \[h1\] => \{\n    "msg": "cleared"/);
    assert.deepEqual(okHosts(result.stdout, 'next play'), ['h1', 'h2', 'h3']);
    assert.equal(parseRecap(result.stdout).h2.failed, 1);
  });

  test('noop and refresh_inventory are accepted; an unknown meta action is refused at load time', async () => {
    const ok = await run('- hosts: all\n  gather_facts: false\n  tasks:\n    - meta: noop\n    - meta: refresh_inventory\n');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const bad = await run('- hosts: all\n  tasks:\n    - meta: end_hots\n');
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /playbook\.yml:3:7: invalid meta action 'end_hots' \(did you mean 'end_host'\?\)/);
  });

  test('at -vv a notify says NOTIFIED HANDLER and a meta task says what it did per host, in Ansible 2.14\'s words', async () => {
    const dir = projectWith({
      'hosts.ini': 'h1 ansible_connection=local\nh2 ansible_connection=local\n',
      'playbook.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: notifying}
      changed_when: true
      notify: noop handler
    - meta: flush_handlers
      when: inventory_hostname == 'h1'
    - meta: clear_facts
    - meta: end_play
      when: false
  handlers:
    - name: noop handler
      meta: noop
`,
    });
    const result = await betifPlay(['playbook.yml', '-i', 'hosts.ini', '-vv'], { cwd: dir });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const line of [
      'NOTIFIED HANDLER noop handler for h1',
      'META: triggered running handlers for h1',
      'META: flush_handlers conditional evaluated to False, not running handlers for h2',
      'skipping: [h2] => {"msg": "flush_handlers", "skip_reason": "flush_handlers conditional evaluated to False, not running handlers for h2"}',
      'META: noop',
      'META: facts cleared',
      'META: end_play conditional evaluated to False, continuing play',
    ]) {
      assert.ok(result.stdout.includes(`${line}\n`), `${line}\n${result.stdout}`);
    }
    // The handler runs once for h1 at the flush and once for h2 at the end of the play.
    assert.equal(result.stdout.match(/META: noop/g)?.length, 2);
  });
});
