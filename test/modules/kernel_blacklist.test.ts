import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import kernelBlacklist from '../../src/modules/kernel/kernel_blacklist.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

describe('kernel_blacklist on a lab host', () => {
  let lab: LabPlaybooks;
  const file = () => join(lab.root, 'etc/modprobe.d/blacklist-ansible.conf');

  before(async () => {
    lab = await labPlaybooks('kernel-blacklist', 2960);
    mkdirSync(join(lab.root, 'etc/modprobe.d'), { recursive: true });
    rmSync(file(), { force: true });
  });

  after(async () => {
    await lab?.stop();
  });

  test('blacklists a module in the default file; a second run changes nothing; absent takes it out', async () => {
    const tasks = play('    - community.general.kernel_blacklist: {name: nouveau}\n      register: listed\n    - debug: {var: listed}\n');
    const check = await lab.play(tasks, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 1);
    assert.equal(existsSync(file()), false);
    assert.match(check.stdout, /--- before\n\+\+\+ after\n@@ -1,3 \+1,5 @@\n \{\n-    "lines": \[\]\n\+    "lines": \[\n\+        "blacklist nouveau"\n\+    \]\n \}/);
    const first = await lab.play(tasks);
    assert.equal(first.recap.h1.changed, 1);
    assert.equal(readFileSync(file(), 'utf8'), 'blacklist nouveau\n');
    assert.match(first.stdout, /"filename": "\/etc\/modprobe.d\/blacklist-ansible.conf",\n\s+"is_blacklisted": true,\n\s+"lines": \[\n\s+"blacklist nouveau"\n\s+\],\n\s+"name": "nouveau",\n\s+"state": "present"/);
    assert.equal((await lab.play(tasks)).recap.h1.changed, 0);
    writeFileSync(file(), '# keep\nblacklist  nouveau   \n#blacklist nouveau\nblacklist pcspkr\n');
    const removed = await lab.play(play('    - kernel_blacklist: {name: nouveau, state: absent}\n'));
    assert.equal(removed.recap.h1.changed, 1);
    assert.equal(readFileSync(file(), 'utf8'), '# keep\n#blacklist nouveau\nblacklist pcspkr\n');
  });

  test('names are data: a regex or shell text matches only itself', async () => {
    const tag = `pwned-blacklist-${process.pid}`;
    writeFileSync(file(), 'blacklist nouveauX\n');
    const run = await lab.play(play(`    - kernel_blacklist: {name: "nouveau."}\n    - kernel_blacklist: {name: "x$(touch /tmp/${tag})"}\n`));
    assert.equal(run.recap.h1.changed, 2);
    assert.equal(readFileSync(file(), 'utf8'), `blacklist nouveauX\nblacklist nouveau.\nblacklist x$(touch /tmp/${tag})\n`);
    for (const where of [join(lab.root, 'tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments fail at load time', async () => {
    const run = await lab.play(play('    - kernel_blacklist: {name: nouveau, blacklistfile: /x}\n'));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: unsupported argument 'blacklistfile' for module 'kernel_blacklist' \\(did you mean 'blacklist_file'\\?\\)`));
    await assert.rejects(runModule(kernelBlacklist, { name: 'x', state: 'on' }), /argument 'state' must be one of: absent, present/);
  });
});
