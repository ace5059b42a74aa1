import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import blockinfile from '../../src/modules/files/blockinfile.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);
const BEGIN = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const END = '# END ANSIBLE MANAGED BLOCK\n';

interface Case {
  initial: string;
  args: Record<string, unknown>;
  content: string;
  msg: string;
}

/** Each outcome was checked against `ansible localhost -m blockinfile` (Ansible 2.14). */
const ANSIBLE_CASES: Case[] = [
  { initial: 'a\nb', args: { block: 'one\ntwo\n' }, content: `a\nb\n${BEGIN}one\ntwo\n${END}`, msg: 'Block inserted' },
  { initial: `a\n${BEGIN}old\n${END}b\n`, args: { block: 'new' }, content: `a\n${BEGIN}new\n${END}b\n`, msg: 'Block inserted' },
  { initial: `a\n${BEGIN}new\n${END}b\n`, args: { block: 'new' }, content: `a\n${BEGIN}new\n${END}b\n`, msg: '' },
  { initial: `a\n${BEGIN}old\n${END}b\n`, args: { state: 'absent' }, content: 'a\nb\n', msg: 'Block removed' },
  { initial: `a\n${BEGIN}old\n${END}b\n`, args: { block: '' }, content: 'a\nb\n', msg: 'Block removed' },
  { initial: `a\n${END}old\n${BEGIN}b\n`, args: { block: 'x' }, content: `a\n${BEGIN}x\n${END}b\n`, msg: 'Block inserted' },
  { initial: 'a\nb\nc\n', args: { block: 'X', insertafter: '^b' }, content: `a\nb\n${BEGIN}X\n${END}c\n`, msg: 'Block inserted' },
  { initial: 'a\nb\nc\nb\n', args: { block: 'X', insertbefore: '^b' }, content: `a\nb\nc\n${BEGIN}X\n${END}b\n`, msg: 'Block inserted' },
  { initial: 'a\nb\nc\n', args: { block: 'X', insertbefore: 'BOF' }, content: `${BEGIN}X\n${END}a\nb\nc\n`, msg: 'Block inserted' },
  { initial: 'a\nb\nc\n', args: { block: 'X', insertafter: '^zzz' }, content: `a\nb\nc\n${BEGIN}X\n${END}`, msg: 'Block inserted' },
  { initial: 'a\nb\nc\n', args: { block: 'X', insertbefore: '(?m)^b$' }, content: `a\n${BEGIN}X\n${END}b\nc\n`, msg: 'Block inserted' },
  { initial: 'a\nb\n', args: { block: 'X', marker: '<!-- {mark} -->', marker_begin: 'START', marker_end: 'STOP' }, content: 'a\nb\n<!-- START -->\nX\n<!-- STOP -->\n', msg: 'Block inserted' },
  { initial: 'a\nb\n', args: { state: 'absent' }, content: 'a\nb\n', msg: '' },
  { initial: 'a\r\nb\r\n', args: { block: 'X', insertafter: '^a' }, content: `a\r\n${BEGIN}X\n${END}b\r\n`, msg: 'Block inserted' },
];

describe('blockinfile', () => {
  test('matches Ansible on placements, markers and removal', async () => {
    const dir = scratchDir();
    for (const [index, { initial, args, content, msg }] of ANSIBLE_CASES.entries()) {
      const path = join(dir, `case-${index}`);
      writeFileSync(path, initial);
      const { result } = await runModule(blockinfile, { ...args, path });
      const label = `case ${index}: ${JSON.stringify(args)} on ${JSON.stringify(initial)}`;
      assert.equal(readFileSync(path, 'utf8'), content, label);
      assert.equal(result.msg, msg, label);
      assert.equal(result.changed, initial !== content, label);
    }
  });

  test('inserts once, then updates in place, with a diff', async () => {
    const dir = scratchDir();
    const path = join(dir, 'hosts');
    writeFileSync(path, '127.0.0.1 localhost\n');
    const first = await runModule(blockinfile, { path, block: '10.0.0.1 web\n10.0.0.2 db' });
    assert.equal(first.result.changed, true);
    assert.equal(readFileSync(path, 'utf8'), `127.0.0.1 localhost\n${BEGIN}10.0.0.1 web\n10.0.0.2 db\n${END}`);
    assert.deepEqual(first.diff, [
      { before: '127.0.0.1 localhost\n', after: readFileSync(path, 'utf8'), beforeHeader: `${path} (content)`, afterHeader: `${path} (content)` },
    ]);
    assert.equal((await runModule(blockinfile, { path, block: '10.0.0.1 web\n10.0.0.2 db' })).result.changed, false);
    await runModule(blockinfile, { path, content: '10.0.0.3 cache' });
    assert.equal(readFileSync(path, 'utf8'), `127.0.0.1 localhost\n${BEGIN}10.0.0.3 cache\n${END}`);
  });

  test('check mode reports the change and writes nothing', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'keep\n');
    chmodSync(path, 0o644);
    const result = await runModule(blockinfile, { path, block: 'x', mode: '0600' }, { check: true });
    assert.equal(result.result.changed, true);
    assert.equal(result.result.msg, 'Block inserted and ownership, perms or SE linux context changed');
    assert.equal(readFileSync(path, 'utf8'), 'keep\n');
    assert.equal(modeOf(path), '644');
    assert.equal(result.diff.length, 2);
  });

  test('create makes a new file; a missing file fails without it', async () => {
    const dir = scratchDir();
    const missing = await runModule(blockinfile, { path: join(dir, 'nope'), block: 'x' });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, `Path ${join(dir, 'nope')} does not exist !`);
    const created = await runModule(blockinfile, { path: join(dir, 'new'), block: 'x', create: true });
    assert.equal(created.result.msg, 'File created');
    assert.equal(readFileSync(join(dir, 'new'), 'utf8'), `${BEGIN}x\n${END}`);
    const absent = await runModule(blockinfile, { path: join(dir, 'other'), state: 'absent', create: true });
    assert.equal(absent.result.changed, false);
    assert.equal(absent.result.msg, `File ${join(dir, 'other')} not present`);
    assert.equal(existsSync(join(dir, 'other')), false);
  });

  test('backup keeps the old file', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'old\n');
    const result = await runModule(blockinfile, { path, block: 'x', backup: true });
    const backup = result.result.backup_file as string;
    assert.match(backup, /\/f\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/);
    assert.equal(readFileSync(backup, 'utf8'), 'old\n');
  });

  test('rejects bad arguments', async () => {
    await assert.rejects(runModule(blockinfile, { path: '/tmp/x', blok: 'x' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'blok' for module 'blockinfile' \(did you mean 'block'\?\)/);
      return true;
    });
    await assert.rejects(runModule(blockinfile, { block: 'x' }), /missing required argument 'path'/);
    await assert.rejects(runModule(blockinfile, { path: '/tmp/x', block: ['x'] }), /argument 'block' must be string/);
    const dir = scratchDir();
    writeFileSync(join(dir, 'f'), '');
    const both = await runModule(blockinfile, { path: join(dir, 'f'), block: 'x', insertafter: 'a', insertbefore: 'b' });
    assert.equal(both.result.msg, 'parameters are mutually exclusive: insertbefore|insertafter');
  });

  test('paths, blocks and markers are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}-${Date.now()}`;
    const path = join(dir, `f; touch ${tag}-1 $(touch ${tag}-2)`);
    await runModule(blockinfile, { path, block: `$(touch ${tag}-3)`, marker: `# {mark} \`touch ${tag}-4\``, create: true, backup: true });
    await runModule(blockinfile, { path, block: 'second', marker: `# {mark} \`touch ${tag}-4\``, backup: true });
    assert.equal(readFileSync(path, 'utf8'), `# BEGIN \`touch ${tag}-4\`\nsecond\n# END \`touch ${tag}-4\`\n`);
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
