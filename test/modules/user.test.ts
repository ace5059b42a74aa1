import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import user from '../../src/modules/users/user.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

const HASH = '$6$betifsalt$VQw2fQ1pH2N6bqUj1S9e7H0a1gQb9c3mXn4yJd0f2Lk5tPz8rWq1eYb6cU3oI7aS9dF2gH4jK6lZ8xC0vB1nM.';
const OTHER_HASH = '$6$othersalt$k1L2m3N4b5V6c7X8z9A0s1D2f3G4h5J6k7L8q9W0e1R2t3Y4u5I6o7P8a9S0d1F2g3H4j5K6l7Z8x9C0v1B2nM3';

const ACCOUNT_FILES = ['etc/passwd', 'etc/shadow', 'etc/group', 'etc/gshadow'];

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

describe('user and group on a lab host (real useradd, usermod, userdel, groupadd over SSH)', () => {
  let lab: LabPlaybooks;
  const file = (path: string) => readFileSync(join(lab.root, path), 'utf8');
  const line = (path: string, name: string) => file(path).split('\n').find((entry) => entry.startsWith(`${name}:`));
  const accountFiles = () => ACCOUNT_FILES.map(file);

  before(async () => {
    lab = await labPlaybooks('user', 2900);
  });

  after(async () => {
    await lab?.stop();
  });

  test('creates a user with its groups, shell, comment, home and hash; a second run changes nothing', async () => {
    const tasks = play(`    - group: {name: devs, gid: 2345}
    - user:
        name: dora
        uid: 2001
        group: devs
        groups: [audio, video]
        shell: /bin/bash
        comment: Dora D
        home: /srv/people/dora
        password: "${HASH}"
      register: made
    - debug: {var: made}
`);
    const first = await lab.play(tasks);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 2, first.stdout);
    assert.equal(line('etc/passwd', 'dora'), 'dora:x:2001:2345:Dora D:/srv/people/dora:/bin/bash');
    assert.equal(line('etc/shadow', 'dora')?.split(':')[1], HASH);
    assert.match(line('etc/group', 'audio') ?? '', /:dora$/);
    assert.match(line('etc/group', 'video') ?? '', /:dora$/);
    assert.equal(line('etc/group', 'devs'), 'devs:x:2345:');
    const home = statSync(join(lab.root, 'srv/people/dora'));
    assert.deepEqual([home.uid, home.gid, home.mode & 0o777], [2001, 2345, 0o755]);
    assert.equal(existsSync(join(lab.root, 'srv/people/dora/.bashrc')), true, 'the skeleton is copied');
    for (const expected of ['"uid": 2001', '"group": 2345', '"groups": "audio,video"', '"home": "/srv/people/dora"', '"password": "NOT_LOGGING_PASSWORD"', '"system": false', '"create_home": true']) {
      assert.ok(first.stdout.includes(expected), `${expected} in ${first.stdout}`);
    }
    assert.doesNotMatch(first.stdout + first.stderr, /betifsalt/, 'the hash is never shown');

    const second = await lab.play(tasks);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
    assert.match(second.stdout, /"append": false/);
  });

  test('--check changes nothing and --diff shows the account change', async () => {
    const tasks = play(`    - user: {name: eve, shell: /bin/bash, groups: audio}
    - user: {name: dora, shell: /bin/sh, password: "${OTHER_HASH}"}
    - group: {name: ops}
`);
    const before = accountFiles();
    const check = await lab.play(tasks, ['--check', '--diff']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(check.recap.h1.changed, 3, check.stdout);
    assert.deepEqual(accountFiles(), before);
    assert.equal(existsSync(join(lab.root, 'home/eve')), false);
    assert.match(check.stdout, /--- before: eve \(user\)\n\+\+\+ after: eve \(user\)\n@@ .* @@\n \{\n-    "state": "absent"\n\+    "groups": "audio",\n\+    "shell": "\/bin\/bash",\n\+    "state": "present"\n \}/);
    assert.match(check.stdout, /-    "shell": "\/bin\/bash"\n\+    "password": "NOT_LOGGING_PASSWORD",\n\+    "shell": "\/bin\/sh"/);
    assert.doesNotMatch(check.stdout, /othersalt/);
  });

  test('appends groups, moves the home, replaces the hash, locks; then removes the user and its home', async () => {
    const changed = await lab.play(play(`    - user: {name: dora, groups: [plugdev], append: true, home: /srv/dora2, move_home: true, password: "${OTHER_HASH}", password_lock: true}
`));
    assert.equal(changed.code, 0, changed.stdout + changed.stderr);
    assert.equal(changed.recap.h1.changed, 1, changed.stdout);
    assert.equal(line('etc/passwd', 'dora'), 'dora:x:2001:2345:Dora D:/srv/dora2:/bin/bash');
    assert.equal(line('etc/shadow', 'dora')?.split(':')[1], `!${OTHER_HASH}`);
    for (const group of ['audio', 'video', 'plugdev']) assert.match(line('etc/group', group) ?? '', /[:,]dora$/, group);
    assert.equal(existsSync(join(lab.root, 'srv/people/dora')), false);
    assert.equal(existsSync(join(lab.root, 'srv/dora2/.bashrc')), true);

    const only = await lab.play(play('    - user: {name: dora, groups: video}\n'));
    assert.equal(only.recap.h1.changed, 1, only.stdout);
    assert.doesNotMatch(line('etc/group', 'audio') ?? '', /dora/);
    assert.match(line('etc/group', 'video') ?? '', /:dora$/);

    const removed = await lab.play(play('    - user: {name: dora, state: absent, remove: true}\n      register: gone\n    - debug: {var: gone}\n'));
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.equal(removed.recap.h1.changed, 1);
    assert.match(removed.stdout, /"force": false,\n\s+"name": "dora",\n\s+"remove": true,\n\s+"state": "absent"/);
    assert.equal(line('etc/passwd', 'dora'), undefined);
    assert.equal(existsSync(join(lab.root, 'srv/dora2')), false);
    const again = await lab.play(play('    - user: {name: dora, state: absent}\n'));
    assert.equal(again.recap.h1.changed, 0);
  });

  test('system users, a user whose group already exists, create_home false', async () => {
    const run = await lab.play(play(`    - group: {name: svc}
    - user: {name: svc, system: true, create_home: false, shell: /usr/sbin/nologin}
    - user: {name: tmpuser, createhome: false}
`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [, , uid, gid] = (line('etc/passwd', 'svc') ?? '').split(':');
    assert.ok(Number(uid) < 1000, `system uid ${uid}`);
    assert.equal(Number(gid), 100, 'useradd -N: the default group, not the existing svc group');
    assert.equal(existsSync(join(lab.root, 'home/svc')), false);
    assert.equal(existsSync(join(lab.root, 'home/tmpuser')), false);
  });

  test('group: gid changes, system groups, removal, each once', async () => {
    const run = await lab.play(play(`    - group: {name: wheelish, gid: 3100}
    - group: {name: wheelish, gid: 3101}
      register: moved
    - debug: {var: moved}
    - group: {name: sysgrp, system: true}
`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.recap.h1.changed, 3);
    assert.equal(line('etc/group', 'wheelish'), 'wheelish:x:3101:');
    assert.ok(Number(line('etc/group', 'sysgrp')?.split(':')[2]) < 1000);
    assert.match(run.stdout, /"gid": 3101,\n\s+"name": "wheelish",\n\s+"state": "present",\n\s+"system": false/);
    const gone = await lab.play(play('    - group: {name: wheelish, state: absent}\n    - group: {name: wheelish, state: absent}\n'));
    assert.equal(gone.recap.h1.changed, 1);
    assert.equal(line('etc/group', 'wheelish'), undefined);
  });

  test('failures carry the tool\'s message; a missing group is named', async () => {
    const run = await lab.play(play(`    - user: {name: frank, group: nosuchgroup}
      ignore_errors: true
    - user: {name: frank, uid: 0}
      ignore_errors: true
    - group: {name: devs, state: absent}
`));
    assert.match(run.stdout, /"msg": "Group nosuchgroup does not exist"/);
    assert.match(run.stdout, /"msg": "useradd: UID 0 is not unique\\n"/);
    assert.equal(line('etc/passwd', 'frank'), undefined);
  });

  test('names, comments and groups are data, never shell', async () => {
    const tag = `pwned-user-${process.pid}`;
    const run = await lab.play(play(`    - user: {name: grace, comment: "G $(touch /tmp/${tag}); \`touch /tmp/${tag}\`"}
    - user: {name: "x;touch /tmp/${tag}"}
      ignore_errors: true
    - user: {name: grace, groups: "audio;touch /tmp/${tag}"}
      ignore_errors: true
    - group: {name: "g$(touch /tmp/${tag})"}
      ignore_errors: true
`));
    assert.equal(run.recap.h1.failed, 0, run.stdout);
    assert.equal(run.recap.h1.ignored, 3, run.stdout);
    assert.equal(line('etc/passwd', 'grace'), `grace:x:${line('etc/passwd', 'grace')?.split(':')[2]}:${line('etc/passwd', 'grace')?.split(':')[3]}:G $(touch /tmp/${tag}); \`touch /tmp/${tag}\`:/home/grace:/bin/sh`);
    assert.match(run.stdout, /Group audio;touch \/tmp\/pwned-user-\d+ does not exist/);
    for (const where of [join(lab.root, 'tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments fail at load time with file:line:column and exit 4, before any host is touched', async () => {
    const before = accountFiles();
    const run = await lab.play(play('    - user: {name: henry}\n    - user: {name: ivan, shel: /bin/bash}\n'));
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`${run.path}:5:7: unsupported argument 'shel' for module 'user' \\(did you mean 'shell'\\?\\)`));
    assert.deepEqual(accountFiles(), before);
    await assert.rejects(runModule(user, { name: 'x', uid: 'abc' }), /argument 'uid' must be integer/);
    await assert.rejects(runModule(user, { name: 'x', state: 'gone' }), /argument 'state' must be one of: absent, present/);
    await assert.rejects(runModule(user, { uid: 5 }), (error: Error) => error instanceof ArgumentError && /missing required argument 'name'/.test(error.message));
  });
});
