import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pause from '../../src/modules/system/pause.js';
import { betifPlay, localProject, parseRecap } from '../helpers/cli.js';
import { runModule } from '../helpers/module-harness.js';

describe('pause', () => {
  test('seconds: waits and reports as Ansible does (at least one second)', async () => {
    const { result } = await runModule(pause, { seconds: 0 });
    assert.equal(result.changed, false);
    assert.equal(result.rc, 0);
    assert.equal(result.delta, 1);
    assert.match(String(result.stdout), /^Paused for 1\.\d+ seconds$/);
    assert.equal(result.user_input, '');
    assert.equal(result.echo, true);
    assert.match(String(result.start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  test('a prompt without a terminal does not wait: a warning, and empty input', async () => {
    const { result } = await runModule(pause, { prompt: 'Continue?', echo: false });
    assert.equal(result.stdout, 'Paused for 0.0 minutes');
    assert.equal(result.user_input, '');
    assert.equal(result.echo, false);
    assert.deepEqual(result.warnings, ['Not waiting for response to prompt as stdin is not interactive']);
  });

  test('check mode pauses too; bad arguments fail', async () => {
    const { result } = await runModule(pause, { minutes: '0' }, { check: true });
    assert.match(String(result.stdout), /^Paused for 0\.0\d? minutes$/);
    await assert.rejects(runModule(pause, { seconds: 1, minutes: 1 }));
    await assert.rejects(runModule(pause, { second: 1 }), /did you mean 'seconds'/);
    const text = await runModule(pause, { seconds: 'soon' });
    assert.match(String(text.result.msg), /unable to convert to int/);
  });

  test('in a playbook it runs once for all hosts, for the first host only, and never blocks on stdin', async () => {
    const work = localProject(`- hosts: all\n  gather_facts: false\n  tasks:\n    - pause: {prompt: 'Deploy now?'}\n      register: answer\n    - debug: {msg: "{{ answer.user_input | default('not registered') }}"}\n`, ['h1', 'h2']);
    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini')]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /\[WARNING\]: Not waiting for response to prompt as stdin is not interactive/);
    assert.deepEqual(parseRecap(run.stdout).h1, { ok: 2, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    assert.equal(parseRecap(run.stdout).h2.ok, 1);
    assert.match(run.stdout, /ok: \[h2\] => \{\n\s+"msg": "not registered"/);
  });
});
