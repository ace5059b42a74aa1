import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import template from '../../src/modules/files/template.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);

/** A folder standing in for a role's templates/, holding one template. */
function templatesWith(name: string, text: string): { dir: string; templates: string } {
  const dir = scratchDir();
  const templates = join(dir, 'templates');
  mkdirSync(templates);
  writeFileSync(join(templates, name), text);
  return { dir, templates };
}

describe('template', () => {
  test('renders the template to dest, then is idempotent', async () => {
    const { dir, templates } = templatesWith('nginx.conf.j2', 'worker_processes {{ workers }};\n');
    const dest = join(dir, 'nginx.conf');
    const first = await runModule(template, { src: 'nginx.conf.j2', dest, mode: '0644' }, { filesDir: templates });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.dest, dest);
    assert.equal(first.result.src, join(templates, 'nginx.conf.j2'));
    assert.equal(first.result.mode, '0644');
    assert.equal(typeof first.result.checksum, 'string');
    assert.equal(readFileSync(dest, 'utf8'), 'worker_processes {{ workers }};\n');
    assert.deepEqual(first.diff, [{ before: '', after: 'worker_processes {{ workers }};\n', beforeHeader: dest, afterHeader: join(templates, 'nginx.conf.j2') }]);
    const second = await runModule(template, { src: 'nginx.conf.j2', dest, mode: '0644' }, { filesDir: templates });
    assert.equal(second.result.changed, false);
  });

  test('check mode reports the change and writes nothing', async () => {
    const { dir, templates } = templatesWith('t.j2', 'new\n');
    const dest = join(dir, 'out');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o644);
    const result = await runModule(template, { src: 't.j2', dest, mode: '0600' }, { check: true, filesDir: templates });
    assert.equal(result.result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'old\n');
    assert.equal(modeOf(dest), '644');
    assert.equal(result.diff[0].before, 'old\n');
    assert.equal(result.diff[0].after, 'new\n');
  });

  test('a folder dest gets the template\'s file name; mode=preserve keeps its mode', async () => {
    const { dir, templates } = templatesWith('run.sh', '#!/bin/sh\n');
    chmodSync(join(templates, 'run.sh'), 0o750);
    mkdirSync(join(dir, 'bin'));
    await runModule(template, { src: 'run.sh', dest: join(dir, 'bin'), mode: 'preserve' }, { filesDir: templates });
    assert.equal(readFileSync(join(dir, 'bin', 'run.sh'), 'utf8'), '#!/bin/sh\n');
    assert.equal(modeOf(join(dir, 'bin', 'run.sh')), '750');
  });

  test('newline_sequence rewrites line endings', async () => {
    const { dir, templates } = templatesWith('dos.j2', 'a\nb\n');
    await runModule(template, { src: 'dos.j2', dest: join(dir, 'dos.txt'), newline_sequence: '\\r\\n' }, { filesDir: templates });
    assert.equal(readFileSync(join(dir, 'dos.txt'), 'utf8'), 'a\r\nb\r\n');
  });

  test('backup keeps the old file', async () => {
    const { dir, templates } = templatesWith('t.j2', 'new');
    writeFileSync(join(dir, 'out'), 'old');
    const result = await runModule(template, { src: 't.j2', dest: join(dir, 'out'), backup: true }, { filesDir: templates });
    assert.equal(readFileSync(result.result.backup_file as string, 'utf8'), 'old');
  });

  test('user mistakes fail with a clear message', async () => {
    const { dir, templates } = templatesWith('t.j2', 'x');
    const missing = await runModule(template, { src: 'missing.j2', dest: join(dir, 'out') }, { filesDir: templates });
    assert.equal(missing.result.failed, true);
    assert.match(String(missing.result.msg), /^could not find src=missing.j2/);
    const noFolder = await runModule(template, { src: 't.j2', dest: join(dir, 'no', 'out') }, { filesDir: templates });
    assert.equal(noFolder.result.msg, `Destination directory ${join(dir, 'no')} does not exist`);
  });

  test('rejects bad arguments', async () => {
    await assert.rejects(runModule(template, { src: 't.j2', dest: '/tmp/x', state: 'present' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'state' for module 'template'/);
      return true;
    });
    await assert.rejects(runModule(template, { src: 't.j2', dst: '/tmp/x' }), /unsupported argument 'dst' for module 'template' \(did you mean 'dest'\?\)/);
    await assert.rejects(runModule(template, { dest: '/tmp/x' }), /missing required argument 'src' for module 'template'/);
    await assert.rejects(runModule(template, { src: 't.j2', dest: '/tmp/x', force: 'often' }), /argument 'force' must be boolean/);
  });

  test('dest paths and rendered text are data, never shell', async () => {
    const tag = `pwned-${process.pid}-${Date.now()}`;
    const { dir, templates } = templatesWith('t.j2', `$(touch ${tag}-1)\n\`touch ${tag}-2\`\n`);
    const dest = join(dir, `out; touch ${tag}-3 $(touch ${tag}-4)`);
    await runModule(template, { src: 't.j2', dest }, { filesDir: templates });
    assert.equal(readFileSync(dest, 'utf8'), `$(touch ${tag}-1)\n\`touch ${tag}-2\`\n`);
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
