import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import script from '../../src/modules/commands/script.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

function filesDir(): string {
  const dir = scratchDir('betif-script-files-');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho "args: $*"\necho "cwd: $(pwd)"\necho warn >&2\nexit ${EXIT_WITH:-0}\n');
  writeFileSync(join(dir, 'mark.sh'), '#!/bin/sh\ntouch "$1"\n');
  return dir;
}

describe('script', () => {
  test('copies the controller script, runs it with its arguments in chdir, and removes it', async () => {
    const files = filesDir();
    const where = scratchDir();
    const { result } = await runModule(script, { cmd: 'run.sh one "two words"', chdir: where }, { filesDir: files });
    assert.deepEqual(result, { changed: true, rc: 0, stdout: `args: one two words\ncwd: ${where}\n`, stderr: 'warn\n' });
    assert.deepEqual(readdirSync(process.env.TMPDIR ?? '/tmp').filter((name) => name.startsWith('betif-script.')), []);
  });

  test('executable runs the script; a non-zero exit fails with the output kept', async () => {
    const files = filesDir();
    const bash = await runModule(script, { cmd: 'run.sh x', executable: '/bin/bash' }, { filesDir: files });
    assert.match(String(bash.result.stdout), /^args: x\n/);
    writeFileSync(join(files, 'fail.sh'), '#!/bin/sh\necho before\nexit 3\n');
    const failed = await runModule(script, { cmd: 'fail.sh' }, { filesDir: files });
    assert.deepEqual(failed.result, { changed: true, failed: true, msg: 'non-zero return code', rc: 3, stdout: 'before\n', stderr: '' });
  });

  test('creates and removes skip with Ansible\'s messages; check mode runs nothing', async () => {
    const files = filesDir();
    const dir = scratchDir();
    const marker = join(dir, 'done');
    const args = { cmd: `mark.sh ${marker}`, creates: marker };
    const check = await runModule(script, args, { filesDir: files, check: true });
    assert.equal(check.result.changed, true);
    assert.equal(existsSync(marker), false);
    assert.equal((await runModule(script, args, { filesDir: files })).result.changed, true);
    assert.equal(existsSync(marker), true);
    const again = await runModule(script, args, { filesDir: files });
    assert.deepEqual(again.result, { changed: false, skipped: true, msg: `${marker} exists, matching creates option` });
    const removes = await runModule(script, { cmd: 'run.sh', removes: join(dir, 'nope') }, { filesDir: files });
    assert.equal(removes.result.msg, `${join(dir, 'nope')} does not exist, matching removes option`);
    const plain = await runModule(script, { cmd: 'run.sh' }, { filesDir: files, check: true });
    assert.deepEqual(plain.result, { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' });
  });

  test('a missing script or a relative chdir fails; bad arguments fail at load time', async () => {
    const files = filesDir();
    const missing = await runModule(script, { cmd: 'nope.sh' }, { filesDir: files });
    assert.equal(missing.result.msg, "Could not find or access 'nope.sh' on the Ansible Controller.");
    const relative = await runModule(script, { cmd: 'run.sh', chdir: 'tmp' }, { filesDir: files });
    assert.equal(relative.result.msg, 'chdir tmp must be an absolute path for a Unix-aware remote node');
    await assert.rejects(runModule(script, { cmd: 'run.sh', create: '/x' }), (error: Error) => error instanceof ArgumentError && /did you mean 'creates'/.test(error.message));
    await assert.rejects(runModule(script, {}), /missing required argument 'cmd'/);
  });

  test('odd script names and paths are data', async () => {
    const files = filesDir();
    const tag = `pwned-${process.pid}`;
    writeFileSync(join(files, `a'$(touch ${tag}).sh`), '#!/bin/sh\necho ran\n');
    const { result } = await runModule(script, { cmd: `"a'$(touch ${tag}).sh"`, creates: `/nonexistent/$(touch ${tag})` }, { filesDir: files });
    assert.equal(result.stdout, 'ran\n');
    assert.equal(existsSync(join(process.cwd(), tag)), false);
  });
});

describe('script on a lab host over SSH', () => {
  let lab: Lab;
  let base: string[];

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2870), dir: join(tmpdir(), 'betif-lab-script') });
    const work = mkdtempSync(join(tmpdir(), 'betif-script-play-'));
    mkdirSync(join(work, 'files'));
    writeFileSync(join(work, 'files', 'setup.sh'), '#!/bin/sh\nset -e\nmkdir -p /srv/app\necho "$1" > /srv/app/installed\necho installed "$1"\n');
    writeFileSync(join(work, 'site.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - script: setup.sh 1.2.3\n      args: {creates: /srv/app/installed}\n      register: out\n    - debug: {var: out.stdout}\n`);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('runs on the host once (creates); --check changes nothing', async () => {
    const installed = join(lab.hosts[0].root, 'srv', 'app', 'installed');
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(existsSync(installed), false);
    const first = await betifPlay(base);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.equal(readFileSync(installed, 'utf8'), '1.2.3\n');
    assert.match(first.stdout, /"out.stdout": "installed 1.2.3\\n"/);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
    assert.equal(parseRecap(second.stdout).h1.skipped, 1, second.stdout);
  });
});
