import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

/* validate:, file times and copying folders, on a lab host over real SSH. */
describe('files on a lab host: validate, times, folders', () => {
  let lab: LabPlaybooks;
  let controller: string;
  const onHost = (path: string) => join(lab.root, path);

  before(async () => {
    lab = await labPlaybooks('files', 3010);
    controller = mkdtempSync(join(tmpdir(), 'betif-files-src-'));
  });

  beforeEach(() => {
    rmSync(onHost('srv'), { recursive: true, force: true });
    mkdirSync(onHost('srv'));
  });

  after(async () => {
    await lab?.stop();
  });

  test('copy, template, lineinfile and blockinfile validate the new file before it replaces the old one', async () => {
    writeFileSync(join(controller, 'app.j2'), 'port={{ port }}\n');
    const tasks = (port: string) =>
      play(`    - copy: {content: "port=${port}\\n", dest: /srv/copied.conf, validate: "grep -q ^port=[0-9] %s"}
    - template: {src: ${controller}/app.j2, dest: /srv/templated.conf, validate: "grep -q ^port=[0-9] %s"}
      vars: {port: "${port}"}
    - lineinfile: {path: /srv/line.conf, create: true, line: "port=${port}", validate: "grep -q ^port=[0-9] %s"}
    - blockinfile: {path: /srv/block.conf, create: true, block: "port=${port}", validate: "grep -q ^port=[0-9] %s"}
`);
    const first = await lab.play(tasks('80'));
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 4);
    assert.equal(readFileSync(onHost('srv/templated.conf'), 'utf8'), 'port=80\n');
    const second = await lab.play(tasks('80'));
    assert.equal(second.recap.h1.changed, 0, second.stdout);

    const check = await lab.play(tasks('81'), ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 4);
    assert.match(check.stdout, /-port=80\n\+port=81/);
    assert.equal(readFileSync(onHost('srv/copied.conf'), 'utf8'), 'port=80\n');

    const bad = play(`    - copy: {content: "port=x\\n", dest: /srv/copied.conf, validate: "grep -q ^port=[0-9] %s"}
      register: copied
      ignore_errors: true
    - template: {src: ${controller}/app.j2, dest: /srv/templated.conf, validate: "grep -q ^port=[0-9] %s"}
      vars: {port: x}
      ignore_errors: true
    - lineinfile: {path: /srv/line.conf, regexp: ^port=, line: "port=x", validate: "grep -q ^port=[0-9] %s"}
      ignore_errors: true
    - blockinfile: {path: /srv/block.conf, block: "port=x", validate: "grep -q ^port=[0-9] %s"}
      ignore_errors: true
    - debug: {var: copied.exit_status}
`);
    const failed = await lab.play(bad);
    assert.equal(failed.recap.h1.failed, 0);
    assert.equal(failed.recap.h1.ignored, 4, failed.stdout);
    assert.match(failed.stdout, /"msg": "failed to validate"/);
    assert.match(failed.stdout, /"msg": "failed to validate: rc:1 error:"/);
    assert.match(failed.stdout, /"copied.exit_status": "1"/);
    for (const name of ['copied', 'templated', 'line']) assert.equal(readFileSync(onHost(`srv/${name}.conf`), 'utf8'), 'port=80\n');
    assert.deepEqual(readdirSync(onHost('srv')).sort(), ['block.conf', 'copied.conf', 'line.conf', 'templated.conf']);

    const noPlaceholder = await lab.play(play('    - copy: {content: "port=9\\n", dest: /srv/copied.conf, validate: "true"}\n'));
    assert.equal(noPlaceholder.code, 2);
    assert.match(noPlaceholder.stdout, /validate must contain %s: true/);
  });

  test('file times: a given time is set once, preserve keeps a touch idempotent, now always changes', async () => {
    writeFileSync(onHost('srv/stamp'), '');
    utimesSync(onHost('srv/stamp'), 1_000_000_000, 1_000_000_000);
    const given = play(`    - file: {path: /srv/stamp, state: file, modification_time: "202001021304.05", access_time: "2020-01-02", access_time_format: "%Y-%m-%d"}
`);
    const check = await lab.play(given, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 1);
    assert.match(check.stdout, /-\s+"mtime": 1000000000,?\n/);
    assert.equal(statSync(onHost('srv/stamp')).mtimeMs, 1_000_000_000_000);
    const first = await lab.play(given);
    assert.equal(first.recap.h1.changed, 1, first.stdout);
    const stamped = statSync(onHost('srv/stamp'));
    assert.equal(stamped.mtimeMs, new Date(2020, 0, 2, 13, 4, 5).getTime());
    assert.equal(stamped.atimeMs, new Date(2020, 0, 2).getTime());
    const second = await lab.play(given);
    assert.equal(second.recap.h1.changed, 0, second.stdout);

    const preserved = play('    - file: {path: /srv/new, state: touch, modification_time: preserve, access_time: preserve}\n');
    assert.equal((await lab.play(preserved)).recap.h1.changed, 1);
    assert.equal(existsSync(onHost('srv/new')), true);
    assert.equal((await lab.play(preserved)).recap.h1.changed, 0);

    const now = play('    - file: {path: /srv/stamp, state: touch}\n');
    assert.equal((await lab.play(now)).recap.h1.changed, 1);
    assert.equal((await lab.play(now)).recap.h1.changed, 1);
    assert.ok(statSync(onHost('srv/stamp')).mtimeMs > stamped.mtimeMs);

    const wrong = await lab.play(play('    - file: {path: /srv/stamp, modification_time: "yesterday"}\n'));
    assert.equal(wrong.code, 2);
    assert.match(wrong.stdout, /Error while obtaining timestamp for time yesterday using format %Y%m%d%H%M\.%S: time data 'yesterday' does not match format '%Y%m%d%H%M\.%S'/);
  });

  test('copy with a folder src: dir/ copies its contents, dir the folder itself; directory_mode, local_follow, --check, a second run changes nothing', async () => {
    const tree = join(controller, 'tree');
    mkdirSync(join(tree, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(tree, 'a.conf'), 'a\n');
    writeFileSync(join(tree, 'sub', 'b.conf'), 'b\n');
    writeFileSync(join(tree, 'sub', 'deeper', 'c.conf'), 'c\n');
    symlinkSync('a.conf', join(tree, 'link'));
    const tasks = play(`    - copy: {src: ${tree}/, dest: /srv/contents, mode: "0640", directory_mode: "0750"}
    - copy: {src: ${tree}, dest: /srv/itself, local_follow: false}
      register: itself
    - debug: {var: itself.dest}
`);
    const check = await lab.play(tasks, ['--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(check.recap.h1.changed, 2);
    assert.deepEqual(readdirSync(onHost('srv')), []);

    const first = await lab.play(tasks);
    assert.equal(first.recap.h1.changed, 2, first.stdout);
    const modeOf = (path: string) => (statSync(onHost(path)).mode & 0o777).toString(8);
    assert.equal(readFileSync(onHost('srv/contents/sub/deeper/c.conf'), 'utf8'), 'c\n');
    assert.equal(modeOf('srv/contents/sub/deeper/c.conf'), '640');
    assert.equal(modeOf('srv/contents/sub'), '750');
    assert.equal(modeOf('srv/contents'), '750');
    assert.equal(lstatSync(onHost('srv/contents/link')).isSymbolicLink(), false);
    assert.equal(readFileSync(onHost('srv/contents/link'), 'utf8'), 'a\n');
    assert.equal(readlinkSync(onHost('srv/itself/tree/link')), 'a.conf');
    assert.equal(readFileSync(onHost('srv/itself/tree/sub/b.conf'), 'utf8'), 'b\n');
    assert.match(first.stdout, /"itself.dest": "\/srv\/itself\/"/);

    const second = await lab.play(tasks);
    assert.equal(second.recap.h1.changed, 0, second.stdout);

    writeFileSync(join(tree, 'sub', 'b.conf'), 'b2\n');
    const changedOne = await lab.play(tasks, ['--check']);
    assert.equal(changedOne.recap.h1.changed, 2);
    assert.equal(readFileSync(onHost('srv/contents/sub/b.conf'), 'utf8'), 'b\n');
    assert.equal((await lab.play(tasks)).recap.h1.changed, 2);
    assert.equal(readFileSync(onHost('srv/itself/tree/sub/b.conf'), 'utf8'), 'b2\n');
  });
});
