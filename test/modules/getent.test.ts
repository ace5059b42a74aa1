import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import getent, { parseGetent } from '../../src/modules/users/getent.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { runModule } from '../helpers/module-harness.js';

describe('getent', () => {
  test('publishes a database as getent_<database>: key -> the other fields', async () => {
    const { result } = await runModule(getent, { database: 'passwd', key: 'root' });
    assert.equal(result.changed, false);
    assert.deepEqual(result.ansible_facts, { getent_passwd: { root: ['x', '0', '0', 'root', '/root', '/bin/bash'] } });
    const group = await runModule(getent, { database: 'group', key: '0' });
    assert.deepEqual(group.result.ansible_facts, { getent_group: { root: ['x', '0', ''] } });
  });

  test('splits on whitespace except for the colon databases, or on the given separator; repeated keys collect their records', () => {
    assert.deepEqual(parseGetent('127.0.0.1       localhost\n::1  localhost ip6-localhost\n', undefined), { '127.0.0.1': ['localhost'], '::1': ['localhost', 'ip6-localhost'] });
    assert.deepEqual(parseGetent('a:1\na:2\na:3\n', ':'), { a: [['1'], ['2'], ['3']] });
    assert.deepEqual(parseGetent('x|y||z\n', '|'), { x: ['y', '', 'z'] });
  });

  test('a missing key fails with Ansible\'s message, or with fail_key: false gives null', async () => {
    const missing = await runModule(getent, { database: 'passwd', key: 'no-such-user-betif' });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, 'One or more supplied key could not be found in the database.');
    const tolerated = await runModule(getent, { database: 'passwd', key: 'no-such-user-betif', fail_key: false });
    assert.equal(tolerated.result.failed, undefined);
    assert.equal(tolerated.result.msg, 'One or more supplied key could not be found in the database.');
    assert.deepEqual(tolerated.result.ansible_facts, { getent_passwd: { 'no-such-user-betif': null } });
    const unknown = await runModule(getent, { database: 'nosuchdb' });
    assert.equal(unknown.result.msg, 'Missing arguments, or database unknown.');
  });

  test('keys are data, never shell', async () => {
    const { result } = await runModule(getent, { database: 'passwd', key: 'root; touch /tmp/pwned-getent $(id)' });
    assert.equal(result.msg, 'One or more supplied key could not be found in the database.');
  });

  test('in a playbook the facts are variables under their own names and under ansible_facts; bad arguments fail at load time', async () => {
    const work = mkdtempSync(join(tmpdir(), 'betif-getent-'));
    const path = join(work, 'play.yml');
    writeFileSync(path, `- hosts: all
  gather_facts: false
  tasks:
    - getent: {database: passwd, key: root}
    - assert:
        that:
          - getent_passwd.root[4] == '/root'
          - ansible_facts.getent_passwd.root[0] == 'x'
          - ansible_getent_passwd is not defined
`);
    const run = await betifPlay([path, '-i', 'localhost,', '-e', 'ansible_connection=local']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).localhost.failed, 0);
    writeFileSync(path, '- hosts: all\n  gather_facts: false\n  tasks:\n    - getent: {databse: passwd}\n');
    const bad = await betifPlay([path, '-i', 'localhost,', '-e', 'ansible_connection=local']);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, new RegExp(`${path}:4:7: .*unsupported argument 'databse' for module 'getent' \\(did you mean 'database'\\?\\)`));
  });
});
