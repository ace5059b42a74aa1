import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { betifPlay, parseRecap } from '../helpers/cli.js';

const UNMATCHED = (part: string) => `[WARNING]: Could not match supplied host pattern, ignoring: ${part}`;
const EMPTY_INVENTORY = "[WARNING]: provided hosts list is empty, only localhost is available. Note that\nthe implicit localhost does not match 'all'";

let work: string;

describe('host patterns that match nothing, as ansible-playbook reports them', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-host-patterns-'));
    writeFileSync(join(work, 'made.yml'), `
- hosts: localhost
  gather_facts: false
  tasks:
    - add_host: {name: added, ansible_connection: local}
    - group_by: {key: made_group}
- hosts: added
  gather_facts: false
  tasks:
    - debug: {msg: in added}
- hosts: made_group
  gather_facts: false
  tasks:
    - debug: {msg: in made_group}
- hosts: never_anywhere
  gather_facts: false
  tasks:
    - debug: {msg: never}
`);
    writeFileSync(join(work, 'simple.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: hi}\n');
    writeFileSync(join(work, 'hosts.ini'), '[web]\nw1 ansible_connection=local\n');
  });

  test('a pattern is checked when its play starts: hosts and groups that add_host and group_by made before count', async () => {
    const run = await betifPlay([join(work, 'made.yml')], { cwd: work });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes(UNMATCHED('added')), run.stderr);
    assert.ok(!run.stderr.includes(UNMATCHED('made_group')), run.stderr);
    assert.ok(run.stderr.includes(UNMATCHED('never_anywhere')), run.stderr);
    assert.match(run.stdout, /PLAY \[added\][\s\S]*"msg": "in added"[\s\S]*PLAY \[made_group\][\s\S]*"msg": "in made_group"[\s\S]*PLAY \[never_anywhere\]\s+\*+\nskipping: no hosts matched/);
  });

  test('an empty inventory is worth a warning, unless localhost_warning is off', async () => {
    const run = await betifPlay([join(work, 'made.yml')], { cwd: work });
    assert.ok(run.stderr.includes(EMPTY_INVENTORY), run.stderr);
    const quiet = await betifPlay([join(work, 'made.yml')], { cwd: work, env: { ANSIBLE_LOCALHOST_WARNING: 'false' } });
    assert.ok(!quiet.stderr.includes('provided hosts list is empty'), quiet.stderr);
    const withHosts = await betifPlay([join(work, 'simple.yml'), '-i', join(work, 'hosts.ini')], { cwd: work });
    assert.ok(!withHosts.stderr.includes('provided hosts list is empty'), withHosts.stderr);
  });

  test('a --limit that leaves no host ends the run before any play (exit 1); one that leaves some only warns', async () => {
    const none = await betifPlay([join(work, 'simple.yml'), '-i', join(work, 'hosts.ini'), '--limit', 'nomatch'], { cwd: work });
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, `${UNMATCHED('nomatch')}\nERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.\n`);
    const some = await betifPlay([join(work, 'simple.yml'), '-i', join(work, 'hosts.ini'), '--limit', 'w1,nomatch'], { cwd: work });
    assert.equal(some.code, 0, some.stderr);
    assert.ok(some.stderr.includes(UNMATCHED('nomatch')), some.stderr);
    assert.equal(parseRecap(some.stdout).w1?.ok, 1);
  });
});
