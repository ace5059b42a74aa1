import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import lineinfile from '../../src/modules/files/lineinfile.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);

interface Case {
  initial: string;
  args: Record<string, unknown>;
  content: string;
  msg: string;
}

/** Each outcome was checked against `ansible localhost -m lineinfile` (Ansible 2.14). */
const ANSIBLE_CASES: Case[] = [
  { initial: 'a\nb\nc\n', args: { line: 'b' }, content: 'a\nb\nc\n', msg: '' },
  { initial: 'a\nb\nc', args: { line: 'd' }, content: 'a\nb\nc\nd\n', msg: 'line added' },
  { initial: 'a\nb\nc', args: { line: 'c' }, content: 'a\nb\nc\n', msg: 'line replaced' },
  { initial: 'x=1\ny=2\nx=3\n', args: { regexp: '^x=', line: 'x=9' }, content: 'x=1\ny=2\nx=9\n', msg: 'line replaced' },
  { initial: 'x=1\ny=2\nx=3\n', args: { regexp: '^x=', line: 'x=9', firstmatch: true }, content: 'x=9\ny=2\nx=3\n', msg: 'line replaced' },
  { initial: 'x=1\ny=2\n', args: { regexp: '^z=', line: 'z=1', insertafter: '^x=' }, content: 'x=1\nz=1\ny=2\n', msg: 'line added' },
  { initial: 'x=1\ny=2\n', args: { regexp: '^z=', line: 'z=1', insertbefore: '^y=' }, content: 'x=1\nz=1\ny=2\n', msg: 'line added' },
  { initial: 'x=1\ny=2\n', args: { line: 'z=1', insertbefore: 'BOF' }, content: 'z=1\nx=1\ny=2\n', msg: 'line added' },
  { initial: 'x=1\ny=2\n', args: { line: 'z=1', insertafter: '^nomatch' }, content: 'x=1\ny=2\nz=1\n', msg: 'line added' },
  { initial: 'x=1\nz=1\ny=2\n', args: { line: 'z=1', insertafter: '^x=' }, content: 'x=1\nz=1\ny=2\n', msg: '' },
  { initial: 'a\nx=1\nb\nx=2\nc\n', args: { line: 'NEW', insertafter: '^x=' }, content: 'a\nx=1\nb\nx=2\nNEW\nc\n', msg: 'line added' },
  { initial: 'a\nx=1\nb\nx=2\nc\n', args: { line: 'NEW', insertafter: '^x=', firstmatch: true }, content: 'a\nx=1\nNEW\nb\nx=2\nc\n', msg: 'line added' },
  { initial: 'a\nx=1\nb\nx=2\nc\n', args: { line: 'NEW', insertbefore: '^x=', firstmatch: true }, content: 'a\nNEW\nx=1\nb\nx=2\nc\n', msg: 'line added' },
  { initial: 'a\nx=1\nb\nx=2\nc\n', args: { line: 'NEW', insertbefore: '^x=' }, content: 'a\nx=1\nb\nNEW\nx=2\nc\n', msg: 'line added' },
  { initial: 'port 22\n', args: { regexp: '^port (\\d+)$', line: 'Port \\1 # was \\g<1>', backrefs: true }, content: 'Port 22 # was 22\n', msg: 'line replaced' },
  { initial: 'nothing\n', args: { regexp: '^port (\\d+)$', line: 'Port \\1', backrefs: true }, content: 'nothing\n', msg: '' },
  { initial: 'key: val\n', args: { regexp: '^(?P<k>\\w+): (?P<v>.*)$', line: '\\g<v>: \\g<k>', backrefs: true }, content: 'val: key\n', msg: 'line replaced' },
  { initial: 'x=1\n', args: { regexp: '^x=(.*)$', line: 'x=\\1\\n\\ty', backrefs: true }, content: 'x=1\n\ty\n', msg: 'line replaced' },
  { initial: 'a\nfoo bar\nb\n', args: { search_string: 'foo', line: 'foo baz' }, content: 'a\nfoo baz\nb\n', msg: 'line replaced' },
  { initial: 'a\nfoo bar\nb\nfoo\n', args: { search_string: 'foo', state: 'absent' }, content: 'a\nb\n', msg: '2 line(s) removed' },
  { initial: 'a\nb\na\n', args: { line: 'a', state: 'absent' }, content: 'b\n', msg: '2 line(s) removed' },
  { initial: 'a\nb\na\n', args: { regexp: '^[ab]$', state: 'absent' }, content: '', msg: '3 line(s) removed' },
  { initial: 'a\r\nb\r\n', args: { line: 'b' }, content: 'a\r\nb\n', msg: 'line replaced' },
  { initial: 'a\nb', args: { line: 'b' }, content: 'a\nb\n', msg: 'line replaced' },
  { initial: '', args: { line: 'first' }, content: 'first\n', msg: 'line added' },
  { initial: 'a', args: { line: 'b', insertafter: '^a' }, content: 'ab\n', msg: 'line added' },
  { initial: 'b\na\n', args: { line: 'b', insertbefore: '^a' }, content: 'b\na\n', msg: '' },
  { initial: 'Hello World\n', args: { regexp: '(?i)^hello', line: 'hi' }, content: 'hi\n', msg: 'line replaced' },
  { initial: 'naïve=1\n', args: { regexp: '^naïve=', line: 'naïve=2' }, content: 'naïve=2\n', msg: 'line replaced' },
  { initial: 'a\n\nb\n', args: { regexp: '^$', line: 'EMPTY' }, content: 'a\nEMPTY\nb\n', msg: 'line replaced' },
  { initial: 'a\nb\n', args: { regexp: '', line: 'X' }, content: 'a\nX\n', msg: 'line replaced' },
  { initial: 'a]b\n', args: { regexp: '[]]', line: 'bracket' }, content: 'bracket\n', msg: 'line replaced' },
  { initial: '# comment\nfoo\n', args: { regexp: '^\\s*#', line: '# new comment', insertbefore: 'BOF' }, content: '# new comment\nfoo\n', msg: 'line replaced' },
];

describe('lineinfile', () => {
  test('matches Ansible on tricky placements, regexps and backrefs', async () => {
    const dir = scratchDir();
    for (const [index, { initial, args, content, msg }] of ANSIBLE_CASES.entries()) {
      const path = join(dir, `case-${index}`);
      writeFileSync(path, initial);
      const { result } = await runModule(lineinfile, { ...args, path });
      const label = `case ${index}: ${JSON.stringify(args)} on ${JSON.stringify(initial)}`;
      assert.equal(readFileSync(path, 'utf8'), content, label);
      assert.equal(result.msg, msg, label);
      assert.equal(result.changed, initial !== content, label);
    }
  });

  test('adds a line once, with a content diff', async () => {
    const dir = scratchDir();
    const path = join(dir, 'sshd_config');
    writeFileSync(path, 'PermitRootLogin yes\nPort 22\n');
    const args = { path, regexp: '^PermitRootLogin ', line: 'PermitRootLogin no' };
    const first = await runModule(lineinfile, args);
    assert.equal(first.result.changed, true);
    assert.equal(first.result.msg, 'line replaced');
    assert.equal(readFileSync(path, 'utf8'), 'PermitRootLogin no\nPort 22\n');
    assert.deepEqual(first.diff, [
      { before: 'PermitRootLogin yes\nPort 22\n', after: 'PermitRootLogin no\nPort 22\n', beforeHeader: `${path} (content)`, afterHeader: `${path} (content)` },
    ]);
    const second = await runModule(lineinfile, args);
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('check mode reports the change and writes nothing', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    chmodSync(path, 0o644);
    const result = await runModule(lineinfile, { path, line: 'b', mode: '0600' }, { check: true });
    assert.equal(result.result.changed, true);
    assert.equal(result.result.msg, 'line added and ownership, perms or SE linux context changed');
    assert.equal(readFileSync(path, 'utf8'), 'a\n');
    assert.equal(modeOf(path), '644');
    assert.equal(result.diff[0].after, 'a\nb\n');
    const missing = await runModule(lineinfile, { path: join(dir, 'new'), line: 'x', create: true }, { check: true });
    assert.equal(missing.result.changed, true);
    assert.equal(existsSync(join(dir, 'new')), false);
  });

  test('create makes the file and its folders; mode changes alone are reported', async () => {
    const dir = scratchDir();
    const path = join(dir, 'conf.d', 'app.conf');
    const first = await runModule(lineinfile, { path, line: 'enabled=1', create: true, mode: '0640' });
    assert.equal(first.result.msg, 'line added and ownership, perms or SE linux context changed');
    assert.equal(readFileSync(path, 'utf8'), 'enabled=1\n');
    assert.equal(modeOf(path), '640');
    const modeOnly = await runModule(lineinfile, { path, line: 'enabled=1', mode: 'g-r' });
    assert.equal(modeOnly.result.changed, true);
    assert.equal(modeOnly.result.msg, 'ownership, perms or SE linux context changed');
    assert.equal(modeOf(path), '600');
    assert.equal((await runModule(lineinfile, { path, line: 'enabled=1', mode: '0600' })).result.changed, false);
  });

  test('edits the target of a symlink and keeps the link', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'real'), 'a\n');
    symlinkSync('real', join(dir, 'link'));
    await runModule(lineinfile, { path: join(dir, 'link'), line: 'b' });
    assert.equal(readFileSync(join(dir, 'real'), 'utf8'), 'a\nb\n');
    assert.equal(lstatSync(join(dir, 'link')).isSymbolicLink(), true);
    assert.deepEqual(readdirSync(dir).sort(), ['link', 'real']);
  });

  test('an empty regexp or search_string replaces the last line, with the warning Ansible gives', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'a\nb\n');
    const byRegexp = await runModule(lineinfile, { path, regexp: '', line: 'c' });
    assert.equal(readFileSync(path, 'utf8'), 'a\nc\n');
    assert.match(String((byRegexp.result.warnings as string[])[0]), /^The regular expression is an empty string, .* use '\^' to match every line/);
    const bySearch = await runModule(lineinfile, { path, search_string: '', line: 'd' });
    assert.equal(readFileSync(path, 'utf8'), 'a\nd\n');
    assert.match(String((bySearch.result.warnings as string[])[0]), /^The search string is an empty string, which will match every line in the file\. This may have unintended consequences, such as replacing the last line in the file rather than appending\.$/);
  });

  test('backup makes a copy of the old file', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'old\n');
    const result = await runModule(lineinfile, { path, line: 'new', backup: true });
    const backup = result.result.backup as string;
    assert.match(backup, /\/f\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/);
    assert.equal(result.result.backup_file, backup);
    assert.equal(readFileSync(backup, 'utf8'), 'old\n');
  });

  test('latin1 bytes that are not UTF-8 survive an edit', async () => {
    const dir = scratchDir();
    const path = join(dir, 'legacy');
    writeFileSync(path, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await runModule(lineinfile, { path, line: 'x' });
    assert.deepEqual(readFileSync(path), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x78, 0x0a]));
  });

  test('user mistakes fail with Ansible\'s messages', async () => {
    const dir = scratchDir();
    const missing = await runModule(lineinfile, { path: join(dir, 'nope'), line: 'x' });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, `Destination ${join(dir, 'nope')} does not exist !`);
    assert.equal(missing.result.rc, 257);
    mkdirSync(join(dir, 'folder'));
    assert.equal((await runModule(lineinfile, { path: join(dir, 'folder'), line: 'x' })).result.msg, `Path ${join(dir, 'folder')} is a directory !`);
    writeFileSync(join(dir, 'f'), '');
    const cases: [Record<string, unknown>, string | RegExp][] = [
      [{ state: 'absent' }, 'one of line, search_string, or regexp is required with state=absent'],
      [{ regexp: 'x' }, 'line is required with state=present'],
      [{ line: 'x', backrefs: true }, 'regexp is required with backrefs=true'],
      [{ line: 'x', insertafter: 'a', insertbefore: 'b' }, 'parameters are mutually exclusive: insertbefore|insertafter'],
      [{ line: 'x', regexp: 'a', search_string: 'b' }, 'parameters are mutually exclusive: regexp|search_string'],
      [{ line: 'x', regexp: '(unclosed' }, /^regexp is not a valid regular expression: \(unclosed/],
    ];
    for (const [args, msg] of cases) {
      const { result } = await runModule(lineinfile, { path: join(dir, 'f'), ...args });
      assert.equal(result.failed, true);
      if (typeof msg === 'string') assert.equal(result.msg, msg);
      else assert.match(String(result.msg), msg);
    }
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), '');
    assert.equal((await runModule(lineinfile, { path: join(dir, 'nope'), line: 'x', state: 'absent' })).result.msg, 'file not present');
  });

  test('accepts Ansible\'s aliases and rejects bad arguments', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'f'), '');
    await runModule(lineinfile, { dest: join(dir, 'f'), value: 'v', regex: '^v' });
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'v\n');
    await assert.rejects(runModule(lineinfile, { path: '/tmp/x', lien: 'x' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'lien' for module 'lineinfile' \(did you mean 'line'\?\)/);
      return true;
    });
    await assert.rejects(runModule(lineinfile, { line: 'x' }), /missing required argument 'path' for module 'lineinfile'/);
    await assert.rejects(runModule(lineinfile, { path: '/tmp/x', line: 'x', state: 'gone' }), /argument 'state' must be one of: present, absent/);
    await assert.rejects(runModule(lineinfile, { path: '/tmp/x', line: 'x', create: 'sometimes' }), /argument 'create' must be boolean/);
  });

  test('paths, lines and patterns are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}-${Date.now()}`;
    for (const name of [`a; touch ${tag}-1`, `$(touch ${tag}-2)`]) {
      const path = join(dir, name);
      await runModule(lineinfile, { path, line: `$(touch ${tag}-3); touch ${tag}-4`, regexp: `^$(touch ${tag}-5)`, create: true, backup: true });
      await runModule(lineinfile, { path, line: 'second', backup: true });
      assert.equal(readFileSync(path, 'utf8'), `$(touch ${tag}-3); touch ${tag}-4\nsecond\n`);
    }
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
