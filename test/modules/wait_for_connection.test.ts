import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';

const PLAY = (args: string) => `- hosts: all
  gather_facts: false
  tasks:
    - name: wait for the host
      wait_for_connection: {${args}}
      register: waited
    - debug:
        var: waited.elapsed
`;

describe('wait_for_connection (real SSH to a lab host that is down, then up)', () => {
  let lab: LabPlaybooks;

  before(async () => {
    lab = await labPlaybooks('wait-for-connection', 3380);
  });

  after(async () => {
    await lab?.stop();
  });

  test('waits while the host is down and goes on once it answers', async () => {
    await lab.lab.stopHost('h1');
    const running = lab.play(PLAY('timeout: 60, sleep: 1'));
    await sleep(2500);
    await lab.lab.startHosts();
    const run = await running;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual([run.recap.h1.ok, run.recap.h1.unreachable, run.recap.h1.failed], [2, 0, 0]);
    const elapsed = Number(/"waited\.elapsed": "(\d+)"/.exec(run.stdout)?.[1]);
    assert.ok(elapsed >= 1, `elapsed ${elapsed}`);
  });

  test('a host that stays down fails the task with Ansible\'s message once the timeout has passed', async () => {
    await lab.lab.stopHost('h1');
    try {
      const run = await lab.play(PLAY('timeout: 2, sleep: 1, connect_timeout: 1'));
      assert.equal(run.code, 2);
      assert.equal(run.recap.h1.failed, 1);
      assert.match(run.stdout, /fatal: \[h1\]: FAILED! => \{.*"msg": "timed out waiting for ping module test: /);
    } finally {
      await lab.lab.startHosts();
    }
  });

  test('check mode tries nothing and skips the task; an answering host passes at once', async () => {
    await lab.lab.stopHost('h1');
    const checked = await lab.play(PLAY(''), ['--check']);
    await lab.lab.startHosts();
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /TASK \[wait for the host\][^\n]*\nskipping: \[h1\]/);
    const up = await lab.play(PLAY(''));
    assert.match(up.stdout, /"waited\.elapsed": "0"/);
    assert.equal(up.recap.h1.ok, 2);
  });
});
