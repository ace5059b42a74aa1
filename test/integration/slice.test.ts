import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';

// h2 and h5 change, h4 fails: the whole run exits 2.
const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: work
      command: echo hi
      changed_when: inventory_hostname in ['h2', 'h5']
    - name: a failure on h4
      fail: {msg: planned}
      when: inventory_hostname == 'h4'
    - name: the slice's hosts
      debug: {msg: "{{ groups['all'] | join(',') }}"}
`;

const REACHES_OUT = `
- hosts: all
  gather_facts: false
  tasks:
    - name: another host's variables
      debug: {msg: "{{ hostvars['h1'].inventory_hostname }}"}
`;

describe('sliced runs (--slice i/N) over real SSH, merged with recap merge', () => {
  let lab: Lab;
  let work: string;
  let base: string[];

  before(async () => {
    lab = await startLab(6, { basePort: labPort(2770), dir: join(tmpdir(), 'betif-lab-slice') });
    work = mkdtempSync(join(tmpdir(), 'betif-slice-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    writeFileSync(join(work, 'reach.yml'), REACHES_OUT);
    base = ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('--list-hosts --slice shows each host in exactly one slice', async () => {
    const seen: string[] = [];
    for (const index of [1, 2, 3]) {
      const listed = await betifPlay([join(work, 'site.yml'), ...base, '--list-hosts', '--slice', `${index}/3`]);
      assert.equal(listed.code, 0, listed.stderr);
      seen.push(...[...listed.stdout.matchAll(/^ {6}(h\d)$/gm)].map((match) => match[1]));
    }
    assert.deepEqual(seen.sort(), ['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  test('three slices run as three processes merge into the recap and exit code of one run', async () => {
    const whole = await betifPlay([join(work, 'site.yml'), ...base]);
    assert.equal(whole.code, 2, whole.stdout);
    const files: string[] = [];
    const slices = await Promise.all([1, 2, 3].map((index) => betifPlay([join(work, 'site.yml'), ...base, '--slice', `${index}/3`, '--json'])));
    slices.forEach((slice, index) => {
      const file = join(work, `slice-${index + 1}.json`);
      writeFileSync(file, slice.stdout);
      files.push(file);
      const document = JSON.parse(slice.stdout) as { plays: { tasks: { hosts: Record<string, { msg?: string }> }[] }[]; stats: object };
      // A slice sees only its own hosts in groups.
      const members = Object.keys(document.stats).sort();
      for (const [host, result] of Object.entries(document.plays[0].tasks[2].hosts)) assert.deepEqual(result.msg?.split(',').sort(), members, host);
    });
    const merged = await betifPlay(['recap', 'merge', ...files]);
    assert.equal(merged.code, whole.code, merged.stderr);
    assert.deepEqual(parseRecap(merged.stdout), parseRecap(whole.stdout));
  });

  test('a play that reaches for a host outside its slice fails naming that host and its slice', async () => {
    const outcomes = await Promise.all([1, 2, 3].map((index) => betifPlay([join(work, 'reach.yml'), ...base, '--slice', `${index}/3`])));
    const failing = outcomes.filter((run) => run.code === 2);
    assert.equal(failing.length, 2, outcomes.map((run) => run.stdout).join('\n'));
    for (const run of failing) assert.match(run.stdout, /host 'h1' is in slice \d\/3, not in this run's slice \d\/3 \(--slice\)/);
  });

  test('more slices than hosts: an empty slice runs nothing and exits 0, and merges as nothing', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, (_, index) => betifPlay([join(work, 'site.yml'), ...base, '--limit', 'h1,h2', '--slice', `${index + 1}/8`, '--json'])));
    const empty = runs.filter((run) => Object.keys((JSON.parse(run.stdout) as { stats: object }).stats).length === 0);
    assert.ok(empty.length >= 6);
    for (const run of empty) assert.equal(run.code, 0);
  });

  test('bad slices and unreadable slice files are refused with one message', async () => {
    const bad = await betifPlay([join(work, 'site.yml'), ...base, '--slice', '4/3']);
    assert.equal(bad.code, 5);
    assert.match(bad.stderr, /--slice must be i\/N with 1 <= i <= N \(for example 2\/5\), not '4\/3'/);
    const missing = await betifPlay(['recap', 'merge', join(work, 'nope.json')]);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /nope\.json: no such file; each file must be the --json output of one slice/);
  });
});
