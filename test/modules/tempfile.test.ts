import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import tempfile from '../../src/modules/files/tempfile.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

describe('tempfile', () => {
  test('creates a file readable by its owner only, named as Python\'s mkstemp names it', async () => {
    const dir = scratchDir();
    const { result } = await runModule(tempfile, { path: dir });
    assert.equal(result.changed, true);
    assert.match(String(result.path), new RegExp(`^${dir}/ansible\\.[a-z0-9_]{8}$`));
    assert.equal(statSync(String(result.path)).mode & 0o7777, 0o600);
    assert.deepEqual(
      { state: result.state, mode: result.mode, size: result.size, owner: result.owner, uid: result.uid },
      { state: 'file', mode: '0600', size: 0, owner: 'root', uid: 0 },
    );
  });

  test('a directory with prefix and suffix, mode 0700; each run makes a new one', async () => {
    const dir = scratchDir();
    const args = { state: 'directory', path: dir, prefix: 'build-', suffix: '.d' };
    const first = await runModule(tempfile, args);
    const second = await runModule(tempfile, args);
    assert.match(String(first.result.path), /\/build-[a-z0-9_]{8}\.d$/);
    assert.equal(statSync(String(first.result.path)).isDirectory(), true);
    assert.equal(first.result.mode, '0700');
    assert.notEqual(first.result.path, second.result.path);
    assert.equal(readdirSync(dir).length, 2);
  });

  test('without path, $TMPDIR or /tmp', async () => {
    const { result } = await runModule(tempfile, {});
    assert.equal(String(result.path).startsWith(`${process.env.TMPDIR ?? '/tmp'}/ansible.`), true);
  });

  test('check mode skips (the module does not support it) and creates nothing', async () => {
    const dir = scratchDir();
    const { result } = await runModule(tempfile, { path: dir }, { check: true });
    assert.deepEqual(result, { changed: false, skipped: true, msg: 'remote module (tempfile) does not support check mode' });
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a missing folder fails with Python\'s message; bad arguments fail at load time', async () => {
    const dir = join(scratchDir(), 'nope');
    const { result } = await runModule(tempfile, { path: dir });
    assert.equal(result.failed, true);
    assert.match(String(result.msg), new RegExp(`^\\[Errno 2\\] No such file or directory: '${dir}/ansible\\.[a-z0-9_]{8}'$`));
    await assert.rejects(runModule(tempfile, { state: 'link' }), ArgumentError);
    await assert.rejects(runModule(tempfile, { sufix: 'x' }), /did you mean 'suffix'/);
  });

  test('prefix and suffix are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}`;
    const { result } = await runModule(tempfile, { path: dir, prefix: `$(touch ${tag})`, suffix: `;touch ${tag}` });
    assert.equal(existsSync(String(result.path)), true);
    for (const where of [dir, process.cwd()]) assert.equal(existsSync(join(where, tag)), false);
  });
});

describe('tempfile on a lab host over SSH', () => {
  let lab: Lab;
  let base: string[];

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2830), dir: join(tmpdir(), 'betif-lab-tempfile') });
    const work = mkdtempSync(join(tmpdir(), 'betif-tempfile-play-'));
    writeFileSync(
      join(work, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - tempfile: {state: directory, suffix: build, path: /srv}
      register: build
    - copy: {dest: "{{ build.path }}/out.txt", content: "built\\n"}
      when: build.path is defined
`,
    );
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook makes a build folder on the host and uses it; --check skips', async () => {
    const srv = join(lab.hosts[0].root, 'srv');
    const before = readdirSync(srv).length;
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.skipped, 2, check.stdout);
    assert.equal(readdirSync(srv).length, before);
    const run = await betifPlay(base);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).h1.changed, 2, run.stdout);
    const made = readdirSync(srv).filter((name) => /^ansible\.[a-z0-9_]{8}build$/.test(name));
    assert.equal(made.length, 1);
    assert.equal(statSync(join(srv, made[0])).mode & 0o777, 0o700);
    assert.equal(existsSync(join(srv, made[0], 'out.txt')), true);
  });
});
