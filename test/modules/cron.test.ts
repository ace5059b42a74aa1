import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import cron from '../../src/modules/system/cron.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

/* User crontabs go through the real crontab(1) on the lab host (its spool is /var/spool/cron/crontabs). */
describe('cron on a lab host (real crontab)', () => {
  let lab: LabPlaybooks;
  const spool = (user: string) => join(lab.root, 'var/spool/cron/crontabs', user);
  const crontab = (user: string) => readFileSync(spool(user), 'utf8').replace(/^(# .*\n){3}/, '');

  before(async () => {
    lab = await labPlaybooks('cron', 2940);
  });

  beforeEach(() => {
    for (const user of ['root', 'nobody']) rmSync(spool(user), { force: true });
    rmSync(join(lab.root, 'etc/cron.d/betif'), { force: true });
  });

  after(async () => {
    await lab?.stop();
  });

  test('adds a named job and variables to a user crontab; a second run changes nothing', async () => {
    const tasks = play(`    - cron: {name: PATH, env: true, job: /usr/bin:/bin}
    - ansible.builtin.cron: {name: nightly backup, minute: "0", hour: "2", job: "/usr/local/bin/backup > /dev/null 2>&1"}
      register: added
    - debug: {var: added.jobs}
    - cron: {name: MAILTO, env: true, job: ops@example.com, insertafter: PATH}
    - cron: {name: on boot, special_time: reboot, job: /usr/local/bin/up, user: nobody}
`);
    const first = await lab.play(tasks);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 4);
    assert.equal(crontab('root'), 'PATH="/usr/bin:/bin"\nMAILTO="ops@example.com"\n#Ansible: nightly backup\n0 2 * * * /usr/local/bin/backup > /dev/null 2>&1\n');
    assert.equal(crontab('nobody'), '#Ansible: on boot\n@reboot /usr/local/bin/up\n');
    assert.match(first.stdout, /"added.jobs": \[\n\s+"nightly backup"\n\s+\]/);
    const second = await lab.play(tasks);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
  });

  test('--check changes nothing, --diff shows the crontab change; changed fields and disabled rewrite the job; absent removes it', async () => {
    await lab.play(play('    - cron: {name: nightly, minute: "0", hour: "2", job: /bin/true}\n'));
    const before = crontab('root');
    const task = play('    - cron: {name: nightly, minute: "5", hour: "2", job: /bin/true, disabled: true}\n');
    const check = await lab.play(task, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 1);
    assert.equal(crontab('root'), before);
    assert.match(check.stdout, /--- before: crontab\n\+\+\+ after: crontab\n@@ -1,2 \+1,2 @@\n #Ansible: nightly\n-0 2 \* \* \* \/bin\/true\n\+#5 2 \* \* \* \/bin\/true\n/);
    await lab.play(task);
    assert.equal(crontab('root'), '#Ansible: nightly\n#5 2 * * * /bin/true\n');
    const removed = await lab.play(play('    - cron: {name: nightly, state: absent}\n    - cron: {name: nightly, state: absent}\n'));
    assert.equal(removed.recap.h1.changed, 1);
    assert.equal(crontab('root'), '');
  });

  test('cron_file: a file in /etc/cron.d with the user field, removed when its last job goes', async () => {
    const run = await lab.play(play('    - cron: {name: weekdays, cron_file: betif, user: root, weekday: 1-5, hour: "6", minute: "30", job: /usr/local/bin/report}\n'));
    assert.equal(run.recap.h1.changed, 1, run.stdout);
    const path = join(lab.root, 'etc/cron.d/betif');
    assert.equal(readFileSync(path, 'utf8'), '#Ansible: weekdays\n30 6 * * 1-5 root /usr/local/bin/report\n');
    assert.equal(statSync(path).mode & 0o777, 0o644);
    const gone = await lab.play(play('    - cron: {name: weekdays, cron_file: betif, state: absent}\n      register: gone\n    - debug: {var: gone}\n'));
    assert.equal(gone.recap.h1.changed, 1);
    assert.equal(existsSync(path), false);
    assert.match(gone.stdout, /"cron_file": "betif",/);
  });

  test('refusals carry Ansible\'s messages', async () => {
    const run = await lab.play(play(`    - cron: {name: x, special_time: hourly, minute: "1", job: y}
      ignore_errors: true
    - cron: {name: x, cron_file: f, job: y}
      ignore_errors: true
    - cron: {name: x}
      ignore_errors: true
    - cron: {name: A, env: true, job: b, insertafter: NOPE}
      ignore_errors: true
`));
    assert.equal(run.recap.h1.ignored, 4, run.stdout);
    for (const message of ['You must specify time and date fields or special time.', 'To use cron_file=... parameter you must specify user=... as well', "You must specify 'job' to install a new cron job or variable", "Variable named 'NOPE' not found."]) {
      assert.ok(run.stdout.includes(`"msg": "${message}"`), message);
    }
  });

  test('jobs and names are data, never shell', async () => {
    const tag = `pwned-cron-${process.pid}`;
    const run = await lab.play(play(`    - cron: {name: "x'; touch /tmp/${tag}; '", job: "echo $(touch /tmp/${tag})", user: "root"}\n`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(crontab('root'), `#Ansible: x'; touch /tmp/${tag}; '\n* * * * * echo $(touch /tmp/${tag})\n`);
    for (const where of [join(lab.root, 'tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments fail at load time', async () => {
    const run = await lab.play(play('    - cron: {name: x, job: y, special_time: sometimes}\n'));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: argument 'special_time' must be one of: reboot, yearly, annually, monthly, weekly, daily, hourly`));
    await assert.rejects(runModule(cron, { name: 'x', job: 'y', minutes: '5' }), /unsupported argument 'minutes' for module 'cron' \(did you mean 'minute'\?\)/);
  });
});
