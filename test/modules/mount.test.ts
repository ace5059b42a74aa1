import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mount from '../../src/modules/system/mount.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));
const FSTAB = '# static\nUUID=1 / ext4 defaults 0 1\n';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

/* fstab entries are real files on the lab host; mounting goes through the stand-in mount/umount on its PATH. */
describe('mount on a lab host (with a stand-in mount and umount)', () => {
  let lab: LabPlaybooks;
  const path = (relative: string) => join(lab.root, relative);
  const fstab = () => readFileSync(path('etc/fstab'), 'utf8');
  const table = () => (existsSync(path('var/lib/lab-mount/table')) ? readFileSync(path('var/lib/lab-mount/table'), 'utf8') : '');
  const calls = () => (existsSync(path('var/log/lab-mount.log')) ? readFileSync(path('var/log/lab-mount.log'), 'utf8').trim().split('\n') : []);

  before(async () => {
    lab = await labPlaybooks('mount', 2930);
    mkdirSync(path('opt/lab/bin'), { recursive: true });
    for (const tool of ['mount', 'umount']) copyFileSync(join(STANDINS, tool), path(`opt/lab/bin/${tool}`));
  });

  beforeEach(() => {
    for (const tool of ['mount', 'umount']) assert.equal(existsSync(path(`opt/lab/bin/${tool}`)), true, 'the stand-ins guard the machine');
    rmSync(path('var/lib/lab-mount'), { recursive: true, force: true });
    rmSync(path('var/log/lab-mount.log'), { force: true });
    rmSync(path('srv/data'), { recursive: true, force: true });
    writeFileSync(path('etc/fstab'), FSTAB);
  });

  after(async () => {
    await lab?.stop();
  });

  test('mounted: creates the mount point, adds the fstab line, mounts; a second run changes nothing', async () => {
    const tasks = play('    - ansible.posix.mount: {path: /srv/data, src: UUID=2, fstype: xfs, opts: noatime, state: mounted}\n      register: m\n    - debug: {var: m}\n');
    const first = await lab.play(tasks);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 1);
    assert.equal(fstab(), `${FSTAB}UUID=2 /srv/data xfs noatime 0 0\n`);
    assert.equal(existsSync(path('srv/data')), true);
    assert.equal(table(), 'UUID=2\t/srv/data\txfs\tnoatime\n');
    assert.match(first.stdout, /"boot": "yes",\n\s+"changed": true,\n\s+"dump": "0",\n\s+"failed": false,\n\s+"fstab": "\/etc\/fstab",\n\s+"fstype": "xfs",\n\s+"name": "\/srv\/data",\n\s+"opts": "noatime",\n\s+"passno": "0",\n\s+"src": "UUID=2"/);
    const second = await lab.play(tasks);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
    assert.deepEqual(calls().filter((call) => call !== 'mount'), ['mount /srv/data']);
  });

  test('new options remount; unmounted unmounts; absent removes the line and the mount point', async () => {
    await lab.play(play('    - mount: {path: /srv/data, src: UUID=2, fstype: xfs, state: mounted}\n'));
    const changed = await lab.play(play('    - mount: {path: /srv/data, src: UUID=2, fstype: xfs, opts: "ro,noexec", state: mounted}\n'));
    assert.equal(changed.recap.h1.changed, 1);
    assert.ok(calls().includes('mount -o remount /srv/data'), calls().join('\n'));
    assert.equal(fstab(), `${FSTAB}UUID=2 /srv/data xfs ro,noexec 0 0\n`);
    const unmounted = await lab.play(play('    - mount: {path: /srv/data, state: unmounted}\n    - mount: {path: /srv/data, state: unmounted}\n'));
    assert.equal(unmounted.recap.h1.changed, 1);
    assert.equal(table(), '');
    assert.equal(fstab(), `${FSTAB}UUID=2 /srv/data xfs ro,noexec 0 0\n`, 'unmounted keeps the fstab line');
    const absent = await lab.play(play('    - mount: {path: /srv/data, state: absent}\n'));
    assert.equal(absent.recap.h1.changed, 1);
    assert.equal(fstab(), FSTAB);
    assert.equal(existsSync(path('srv/data')), false);
  });

  test('--check changes nothing; --diff shows the fstab change; present only writes fstab, with boot false as noauto', async () => {
    const tasks = play('    - mount: {path: "/srv/my data", src: "//nas/a b", fstype: cifs, opts: "rw,vers=3", state: present, boot: false}\n');
    const check = await lab.play(tasks, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 1);
    assert.equal(fstab(), FSTAB);
    assert.match(check.stdout, /\+\/\/nas\/a\\040b \/srv\/my\\040data cifs rw,vers=3,noauto 0 0\n/);
    const real = await lab.play(tasks);
    assert.equal(real.recap.h1.changed, 1);
    assert.equal(fstab(), `${FSTAB}//nas/a\\040b /srv/my\\040data cifs rw,vers=3,noauto 0 0\n`);
    assert.equal(table(), '');
    assert.equal((await lab.play(tasks)).recap.h1.changed, 0);
  });

  test('a failing mount is reported and its fstab line is taken back', async () => {
    writeFileSync(path('srv/afile'), 'not a folder\n');
    const run = await lab.play(play('    - mount: {path: /srv/afile/point, src: UUID=9, fstype: ext4, state: mounted}\n      ignore_errors: true\n'));
    assert.equal(run.recap.h1.ignored, 1, run.stdout);
    assert.match(run.stdout, /"msg": "Error mounting \/srv\/afile\/point: mount: \/srv\/afile\/point: mount point does not exist.\\n"/);
    assert.equal(fstab(), FSTAB);
    const refused = await runModule(mount, { path: '/srv/x', state: 'mounted', src: 'UUID=1' });
    assert.equal(refused.result.msg, 'state is mounted but all of the following are missing: fstype');
  });

  test('paths and sources are data, never shell', async () => {
    const tag = `pwned-mount-${process.pid}`;
    const run = await lab.play(play(`    - mount: {path: "/srv/$(touch /tmp/${tag})", src: "x;touch /tmp/${tag}", fstype: ext4, state: mounted}\n`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(fstab().includes(`x;touch\\040/tmp/${tag} /srv/$(touch\\040/tmp/${tag}) ext4 defaults 0 0\n`), fstab());
    for (const where of [path('tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments fail at load time', async () => {
    const run = await lab.play(play('    - mount: {path: /srv/data, src: UUID=2, fstype: xfs, state: mountd}\n'));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: argument 'state' must be one of: absent, absent_from_fstab, mounted, present, unmounted, remounted`));
    await assert.rejects(runModule(mount, { path: '/srv/data' }), /missing required argument 'state'/);
  });
});
