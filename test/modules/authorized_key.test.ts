import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import authorizedKey from '../../src/modules/users/authorized_key.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

const ALICE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0zM1yQ2m0s3bVh4cE3kqz6qUuT1b3Z1mH3eYg3nJ1 alice@laptop';
const BOB = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob@desk';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

describe('authorized_key on a lab host', () => {
  let lab: LabPlaybooks;
  const keys = () => readFileSync(join(lab.root, 'home/kim/.ssh/authorized_keys'), 'utf8');

  before(async () => {
    lab = await labPlaybooks('authorized-key', 2910);
    const ready = await lab.play(play('    - user: {name: kim}\n'));
    assert.equal(ready.code, 0, ready.stdout + ready.stderr);
  });

  after(async () => {
    await lab?.stop();
  });

  test('adds keys under ~/.ssh (0700, 0600, owned by the user); a second run changes nothing', async () => {
    const tasks = play(`    - authorized_key:
        user: kim
        key: |
          ${ALICE}
          # a comment line is ignored
          ${BOB}
      register: added
    - debug: {var: added.keyfile}
`);
    const first = await lab.play(tasks);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 1);
    assert.match(first.stdout, /"added.keyfile": "\/home\/kim\/.ssh\/authorized_keys"/);
    assert.equal(keys(), `${ALICE}\n${BOB}\n`);
    const kim = readFileSync(join(lab.root, 'etc/passwd'), 'utf8').match(/^kim:x:(\d+):(\d+):/m) as RegExpMatchArray;
    const dir = statSync(join(lab.root, 'home/kim/.ssh'));
    const file = statSync(join(lab.root, 'home/kim/.ssh/authorized_keys'));
    assert.deepEqual([dir.mode & 0o777, dir.uid, dir.gid], [0o700, Number(kim[1]), Number(kim[2])]);
    assert.deepEqual([file.mode & 0o777, file.uid, file.gid], [0o600, Number(kim[1]), Number(kim[2])]);
    const second = await lab.play(tasks);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
  });

  test('--check changes nothing, --diff shows the file change; new options move the key to the end', async () => {
    const tasks = play(`    - ansible.posix.authorized_key: {user: kim, key: "${ALICE}", key_options: 'no-pty,command="echo a,b"', comment: work}\n`);
    const before = keys();
    const check = await lab.play(tasks, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 1);
    assert.equal(keys(), before);
    assert.match(check.stdout, /--- before: \/home\/kim\/.ssh\/authorized_keys\n\+\+\+ after: \/home\/kim\/.ssh\/authorized_keys\n@@ -1,2 \+1,2 @@\n-ssh-ed25519 \S+ alice@laptop\n ssh-rsa \S+ bob@desk\n\+no-pty,command="echo a,b" ssh-ed25519 \S+ work\n/);
    const real = await lab.play(tasks);
    assert.equal(real.recap.h1.changed, 1);
    assert.equal(keys(), `${BOB}\nno-pty,command="echo a,b" ${ALICE.replace('alice@laptop', 'work')}\n`);
    assert.equal((await lab.play(tasks)).recap.h1.changed, 0);
  });

  test('state absent removes a key; exclusive keeps only the given ones; path and follow', async () => {
    const removed = await lab.play(play(`    - authorized_key: {user: kim, key: "${BOB}", state: absent}\n`));
    assert.equal(removed.recap.h1.changed, 1);
    assert.doesNotMatch(keys(), /bob@desk/);
    mkdirSync(join(lab.root, 'srv/keys'), { recursive: true });
    writeFileSync(join(lab.root, 'srv/keys/real'), `# kept? no: exclusive\n${BOB}\n`);
    const exclusive = await lab.play(play(`    - authorized_key: {user: kim, key: "${ALICE}", path: /srv/keys/real, exclusive: true, manage_dir: false}
      register: only
    - debug: {var: only}
`));
    assert.equal(exclusive.recap.h1.changed, 1, exclusive.stdout);
    assert.equal(readFileSync(join(lab.root, 'srv/keys/real'), 'utf8'), `${ALICE}\n`);
    assert.match(exclusive.stdout, /"keyfile": "\/srv\/keys\/real",\n\s+"manage_dir": false,\n\s+"mode": "0600",\n\s+"owner": "kim",\n\s+"path": "\/srv\/keys\/real",\n\s+"size": \d+,\n\s+"state": "file"/);
  });

  test('failures: no such user, an invalid key, a key file path in check mode for a missing user', async () => {
    const run = await lab.play(play(`    - authorized_key: {user: nobody-here, key: "${ALICE}"}
      ignore_errors: true
    - authorized_key: {user: kim, key: "not a key"}
      ignore_errors: true
`));
    assert.match(run.stdout, /"msg": "Failed to lookup user nobody-here: \\"getpwnam\(\): name not found: 'nobody-here'\\""/);
    assert.match(run.stdout, /"msg": "invalid key specified: not a key"/);
    const checked = await lab.play(play(`    - authorized_key: {user: nobody-here, key: "${ALICE}"}\n`), ['--check']);
    assert.match(checked.stdout, /Either user must exist or you must provide full path to key file in check mode/);
  });

  test('key text and options are data, never shell', async () => {
    const tag = `pwned-key-${process.pid}`;
    const run = await lab.play(play(`    - authorized_key: {user: kim, key: "${BOB}", key_options: 'command="touch /tmp/${tag}; $(touch /tmp/${tag})"', comment: "\`touch /tmp/${tag}\`"}\n`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(keys(), new RegExp(`command="touch /tmp/${tag}; \\$\\(touch /tmp/${tag}\\)" ssh-rsa \\S+ \`touch /tmp/${tag}\``));
    for (const where of [join(lab.root, 'tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    assert.equal(existsSync(join(lab.root, 'home/kim/.ssh')), true);
  });

  test('bad arguments fail at load time', async () => {
    const run = await lab.play(play(`    - authorized_key: {user: kim, keys: "${ALICE}"}\n`));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: .*unsupported argument 'keys' for module 'authorized_key' \\(did you mean 'key'\\?\\)`));
    await assert.rejects(runModule(authorizedKey, { user: 'kim', key: ALICE, exclusive: 'sometimes' }), /argument 'exclusive' must be boolean/);
    await assert.rejects(runModule(authorizedKey, { key: ALICE }), /missing required argument 'user'/);
  });
});
