import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { betifPlay, localProject, parseRecap } from '../helpers/cli.js';

describe('async_status', () => {
  test('finds a job left running, reports it finished with its result once it ended, and forgets it on cleanup', async () => {
    const work = localProject(`- hosts: all
  gather_facts: false
  tasks:
    - shell: sleep 1; echo written > {{ folder }}/marker; echo background
      async: 30
      poll: 0
      register: started
    - async_status: {jid: "{{ started.ansible_job_id }}"}
      check_mode: true
      register: checked
    - async_status: {jid: "{{ started.ansible_job_id }}"}
      register: job
      until: job.finished
      retries: 30
      delay: 1
    - async_status: {jid: "{{ started.ansible_job_id }}", mode: cleanup}
    - async_status: {jid: "{{ started.ansible_job_id }}"}
      register: gone
      ignore_errors: true
    - debug: {msg: "{{ checked.skipped }} {{ job.stdout }} {{ job.rc }} {{ gone.msg }}"}
`);
    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini'), '-e', `folder=${work}`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(readFileSync(join(work, 'marker'), 'utf8'), 'written\n');
    assert.match(run.stdout, /"msg": "True background 0 could not find job"/);
    assert.deepEqual(parseRecap(run.stdout).h1, { ok: 5, changed: 2, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 1 });
  });

  test('a task with async and poll: ASYNC POLL lines while it runs, its result once it ended; in check mode it is refused', async () => {
    const work = localProject(`- hosts: all
  gather_facts: false
  tasks:
    - command: sleep 2
      async: 10
      poll: 1
      register: slept
    - debug: {msg: "{{ slept.finished }} {{ slept.rc }}"}
    - command: touch {{ folder }}/never
      async: 10
      poll: 1
`);
    const checked = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini'), '-e', `folder=${work}`, '--check']);
    assert.equal(checked.code, 2, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /fatal: \[h1\]: FAILED! => \{"changed": false, "msg": "check mode and async cannot be used on same task."\}/);
    assert.ok(!existsSync(join(work, 'never')), 'the refused task ran nothing');

    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini'), '-e', `folder=${work}`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /ASYNC POLL on h1: jid=j\d+\.\d+ started=1 finished=0\n/);
    assert.match(run.stdout, /ASYNC OK on h1: jid=j\d+\.\d+\nchanged: \[h1\]/);
    assert.match(run.stdout, /"msg": "1 0"/);
    assert.ok(existsSync(join(work, 'never')));
  });

  test('a job still running when the run ends is named in a warning (betif-play does not wait for it)', async () => {
    const work = localProject(`- hosts: all
  gather_facts: false
  tasks:
    - command: sleep 3
      async: 10
      poll: 0
`);
    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini')]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /\[WARNING\]: a background job \(async with poll: 0\) was still running when the run ended \(h1: j\d+\.\d+\)/);
  });
});
