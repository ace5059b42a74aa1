import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pamLimits from '../../src/modules/system/pam_limits.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

const LIMITS = '# limits\n*  soft  core  0\n@dev hard nofile 1024\n';

describe('pam_limits on a lab host', () => {
  let lab: LabPlaybooks;
  const file = () => join(lab.root, 'etc/security/limits.conf');

  before(async () => {
    lab = await labPlaybooks('pam-limits', 2970);
  });

  after(async () => {
    await lab?.stop();
  });

  test('changes a limit in place and appends a new one; a second run changes nothing; --check changes nothing', async () => {
    writeFileSync(file(), LIMITS);
    const tasks = play(`    - community.general.pam_limits: {domain: "@dev", limit_type: hard, limit_item: nofile, value: "4096"}
      register: raised
    - debug: {var: raised.msg}
    - community.general.pam_limits: {domain: joe, limit_type: "-", limit_item: nice, value: "-5", comment: niceness}
`);
    const check = await lab.play(tasks, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 2);
    assert.equal(readFileSync(file(), 'utf8'), LIMITS);
    assert.match(check.stdout, /-@dev hard nofile 1024\n\+@dev\thard\tnofile\t4096\n/);
    const first = await lab.play(tasks);
    assert.equal(first.recap.h1.changed, 2, first.stdout);
    assert.equal(readFileSync(file(), 'utf8'), '# limits\n*  soft  core  0\n@dev\thard\tnofile\t4096\njoe\t-\tnice\t-5\t#niceness\n');
    assert.match(first.stdout, /"raised.msg": "@dev\\thard\\tnofile\\t4096\\n"/);
    assert.equal((await lab.play(tasks)).recap.h1.changed, 0);
  });

  test('use_max and use_min keep the larger or smaller value', async () => {
    writeFileSync(file(), LIMITS);
    const kept = await lab.play(play('    - pam_limits: {domain: "@dev", limit_type: hard, limit_item: nofile, value: "512", use_max: true}\n'));
    assert.equal(kept.recap.h1.changed, 0);
    const lowered = await lab.play(play('    - pam_limits: {domain: "@dev", limit_type: hard, limit_item: nofile, value: "512", use_min: true}\n'));
    assert.equal(lowered.recap.h1.changed, 1);
    assert.match(readFileSync(file(), 'utf8'), /^@dev\thard\tnofile\t512$/m);
  });

  test('invalid values are refused with Ansible\'s message; values are data, never shell', async () => {
    writeFileSync(file(), LIMITS);
    const tag = `pwned-limits-${process.pid}`;
    const run = await lab.play(play(`    - pam_limits: {domain: joe, limit_type: soft, limit_item: nproc, value: "$(touch /tmp/${tag})"}
      ignore_errors: true
    - pam_limits: {domain: "joe;touch /tmp/${tag}", limit_type: soft, limit_item: nproc, value: "10"}
`));
    assert.match(run.stdout, /"msg": " Value of '\$\(touch \/tmp\/pwned-limits-\d+\)' for item 'nproc' is invalid\. Value must either be 'unlimited', 'infinity' or -1/);
    assert.match(readFileSync(file(), 'utf8'), new RegExp(`^joe;touch /tmp/${tag}\tsoft\tnproc\t10$`, 'm'));
    for (const where of [join(lab.root, 'tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments fail at load time', async () => {
    const run = await lab.play(play('    - pam_limits: {domain: joe, limit_type: soft, limit_item: files, value: "10"}\n'));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: argument 'limit_item' must be one of: core, data`));
    await assert.rejects(runModule(pamLimits, { domain: 'joe', limit_type: 'soft', limit_item: 'nproc' }), /missing required argument 'value'/);
  });
});
