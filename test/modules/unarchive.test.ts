import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import unarchive from '../../src/modules/files/unarchive.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

/** A small tree (app/bin/run.sh, app/conf/app.ini, app/README) packed in every format unarchive handles. */
function makeArchives(): string {
  const dir = scratchDir('betif-archives-');
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'app', 'bin'), { recursive: true });
  mkdirSync(join(tree, 'app', 'conf'), { recursive: true });
  writeFileSync(join(tree, 'app', 'bin', 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  writeFileSync(join(tree, 'app', 'conf', 'app.ini'), '[main]\nport = 80\n', { mode: 0o640 });
  writeFileSync(join(tree, 'app', 'README'), 'read me\n', { mode: 0o644 });
  const when = new Date('2024-01-01T00:00:00Z');
  for (const path of ['app/bin/run.sh', 'app/conf/app.ini', 'app/README', 'app/bin', 'app/conf', 'app']) utimesSync(join(tree, path), when, when);
  for (const [name, flag] of [['app.tar', ''], ['app.tar.gz', '-z'], ['app.tar.bz2', '-j'], ['app.tar.xz', '-J']]) {
    execFileSync('tar', ['-c', ...(flag ? [flag] : []), '-f', join(dir, name), '-C', tree, 'app']);
  }
  execFileSync('zip', ['-q', '-r', join(dir, 'app.zip'), 'app'], { cwd: tree });
  writeFileSync(join(dir, 'empty.tar.gz'), '');
  writeFileSync(join(dir, 'notes.txt'), 'not an archive\n');
  return dir;
}

const HANDLERS: Record<string, string> = { 'app.tar': 'TarArchive', 'app.tar.gz': 'TgzArchive', 'app.tar.bz2': 'TarArchive', 'app.tar.xz': 'TarArchive', 'app.zip': 'ZipArchive' };

describe('unarchive', () => {
  let archives: string;

  before(() => {
    archives = makeArchives();
  });

  test('unpacks every format once (a second run is ok), from the controller or with remote_src', async () => {
    for (const [name, handler] of Object.entries(HANDLERS)) {
      for (const remote of [false, true]) {
        const dest = scratchDir();
        const args = remote ? { src: join(archives, name), dest, remote_src: true } : { src: name, dest };
        const first = await runModule(unarchive, args, { filesDir: archives });
        const label = `${name} remote_src=${remote}: ${JSON.stringify(first.result)}`;
        assert.equal(first.result.changed, true, label);
        assert.equal(first.result.handler, handler, label);
        assert.equal(readFileSync(join(dest, 'app', 'conf', 'app.ini'), 'utf8'), '[main]\nport = 80\n', label);
        assert.equal(statSync(join(dest, 'app', 'bin', 'run.sh')).mode & 0o777, 0o755, label);
        assert.equal((first.result.extract_results as { rc: number }).rc, 0, label);
        const second = await runModule(unarchive, args, { filesDir: archives });
        assert.equal(second.result.changed, false, `${label} second: ${JSON.stringify(second.result)}`);
      }
    }
    assert.deepEqual(readdirSync(process.env.TMPDIR ?? '/tmp').filter((name) => name.startsWith('betif-unarchive.')), []);
  });

  test('a changed file on disk is put back; keep_newer keeps a newer one', async () => {
    const dest = scratchDir();
    await runModule(unarchive, { src: 'app.tar.gz', dest }, { filesDir: archives });
    writeFileSync(join(dest, 'app', 'README'), 'edited\n');
    const keep = await runModule(unarchive, { src: 'app.tar.gz', dest, keep_newer: true }, { filesDir: archives });
    assert.equal(readFileSync(join(dest, 'app', 'README'), 'utf8'), 'edited\n', JSON.stringify(keep.result));
    const restored = await runModule(unarchive, { src: 'app.tar.gz', dest }, { filesDir: archives });
    assert.equal(restored.result.changed, true);
    assert.equal(readFileSync(join(dest, 'app', 'README'), 'utf8'), 'read me\n');
  });

  test('mode applies to every unpacked path; list_files, include and exclude', async () => {
    const dest = scratchDir();
    const first = await runModule(unarchive, { src: 'app.tar.gz', dest, mode: 'u=rwX,g=rX,o=', list_files: true }, { filesDir: archives });
    assert.deepEqual([...(first.result.files as string[])].sort(), ['app/', 'app/README', 'app/bin/', 'app/bin/run.sh', 'app/conf/', 'app/conf/app.ini']);
    assert.equal(statSync(join(dest, 'app', 'README')).mode & 0o777, 0o640);
    assert.equal(statSync(join(dest, 'app', 'bin')).mode & 0o777, 0o750);
    assert.equal((await runModule(unarchive, { src: 'app.tar.gz', dest, mode: 'u=rwX,g=rX,o=' }, { filesDir: archives })).result.changed, false);
    const only = scratchDir();
    await runModule(unarchive, { src: 'app.zip', dest: only, include: ['app/README'] }, { filesDir: archives });
    assert.deepEqual(readdirSync(join(only, 'app')), ['README']);
    const without = scratchDir();
    await runModule(unarchive, { src: 'app.tar', dest: without, exclude: ['app/conf'] }, { filesDir: archives });
    assert.deepEqual(readdirSync(join(without, 'app')).sort(), ['README', 'bin']);
  });

  test('check mode: a zip reports the change with an itemized diff; a tar is skipped as Ansible does', async () => {
    const dest = scratchDir();
    const zip = await runModule(unarchive, { src: 'app.zip', dest }, { filesDir: archives, check: true });
    assert.equal(zip.result.changed, true);
    assert.match(zip.diff[0].prepared ?? '', /^>f\+\+\+\+\+\+\.\?\? app\/README$/m);
    const tar = await runModule(unarchive, { src: 'app.tar.gz', dest }, { filesDir: archives, check: true });
    assert.deepEqual([tar.result.skipped, tar.result.msg], [true, 'remote module (ansible.legacy.unarchive) does not support check mode when using gtar']);
    assert.deepEqual(readdirSync(dest), []);
  });

  test('creates skips; copy: false is remote_src; Ansible\'s failures for a missing dest, a missing, empty or unknown archive', async () => {
    const dest = scratchDir();
    const created = await runModule(unarchive, { src: 'app.tar.gz', dest, creates: dest }, { filesDir: archives });
    assert.deepEqual([created.result.skipped, created.result.msg], [true, `skipped, since ${dest} exists`]);
    const copyFalse = await runModule(unarchive, { src: join(archives, 'app.tar'), dest: scratchDir(), copy: false });
    assert.equal(copyFalse.result.changed, true, JSON.stringify(copyFalse.result));
    const both = await runModule(unarchive, { src: join(archives, 'app.tar'), dest, copy: false, remote_src: true });
    assert.equal(both.result.msg, "parameters are mutually exclusive: ('copy', 'remote_src')");
    const noDest = await runModule(unarchive, { src: 'app.tar.gz', dest: join(dest, 'nope') }, { filesDir: archives });
    assert.equal(noDest.result.msg, `dest '${join(dest, 'nope')}' must be an existing dir`);
    const missing = await runModule(unarchive, { src: join(archives, 'nope.tgz'), dest, remote_src: true });
    assert.equal(missing.result.msg, `Source '${join(archives, 'nope.tgz')}' does not exist`);
    const empty = await runModule(unarchive, { src: join(archives, 'empty.tar.gz'), dest, remote_src: true });
    assert.equal(empty.result.msg, `Invalid archive '${join(archives, 'empty.tar.gz')}', the file is 0 bytes`);
    const unknown = await runModule(unarchive, { src: join(archives, 'notes.txt'), dest, remote_src: true });
    assert.match(unknown.result.msg as string, /^Failed to find handler for ".*notes.txt"\. Make sure the required command to extract the file is installed\./);
  });

  test('bad arguments fail at load time; names are data', async () => {
    await assert.rejects(runModule(unarchive, { src: 'x.tgz' }), /missing required argument 'dest'/);
    await assert.rejects(runModule(unarchive, { src: 'x', dest: '/tmp', extra_opts: '--strip-components=1' }), ArgumentError);
    await assert.rejects(runModule(unarchive, { src: 'x', dest: '/tmp', remote_scr: true }), /did you mean 'remote_src'/);
    const tag = `pwned-unarchive-${process.pid}`;
    const dest = scratchDir();
    const dir = join(dest, `$(touch ${tag});x`);
    mkdirSync(dir);
    const run = await runModule(unarchive, { src: 'app.tar.gz', dest: dir, exclude: [`*$(touch ${tag})`] }, { filesDir: archives });
    assert.equal(run.result.changed, true, JSON.stringify(run.result));
    assert.equal(existsSync(join(dir, 'app', 'README')), true);
    assert.deepEqual(readdirSync(dest).filter((name) => name === tag), []);
    assert.equal(existsSync(join(process.cwd(), tag)), false);
  });
});

describe('unarchive on a lab host over SSH', () => {
  let lab: LabPlaybooks;
  let archives: string;

  before(async () => {
    archives = makeArchives();
    lab = await labPlaybooks('unarchive', 3370);
    mkdirSync(join(lab.root, 'srv', 'app'), { recursive: true });
    mkdirSync(join(lab.root, 'srv', 'zip'), { recursive: true });
  });

  after(async () => {
    await lab?.stop();
  });

  test('copies the archive over and unpacks it once; --check changes nothing; a second run is ok', async () => {
    const playbook =
      `- hosts: all\n  gather_facts: false\n  tasks:\n` +
      `    - unarchive: {src: ${join(archives, 'app.zip')}, dest: /srv/zip, owner: nobody}\n` +
      `    - ansible.builtin.unarchive: {src: ${join(archives, 'app.tar.xz')}, dest: /srv/app, extra_opts: [--strip-components=1]}\n`;
    const check = await lab.play(playbook, ['--check', '--diff']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.deepEqual([check.recap.h1.changed, check.recap.h1.skipped], [1, 1], check.stdout);
    assert.match(check.stdout, />f\+\+\+\+\+\+\.\?\? app\/conf\/app\.ini/);
    assert.deepEqual(readdirSync(join(lab.root, 'srv', 'zip')), []);
    const first = await lab.play(playbook);
    assert.equal(first.recap.h1.changed, 2, first.stdout + first.stderr);
    assert.equal(readFileSync(join(lab.root, 'srv', 'app', 'conf', 'app.ini'), 'utf8'), '[main]\nport = 80\n');
    assert.equal(readFileSync(join(lab.root, 'srv', 'zip', 'app', 'README'), 'utf8'), 'read me\n');
    assert.equal(statSync(join(lab.root, 'srv', 'zip', 'app', 'README')).uid, 65534);
    const second = await lab.play(playbook);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
  });
});
