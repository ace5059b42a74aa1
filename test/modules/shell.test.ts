import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import raw from '../../src/modules/commands/raw.js';
import shell from '../../src/modules/commands/shell.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

describe('shell', () => {
  test('runs the text with /bin/sh: pipes, variables and redirections work', async () => {
    const dir = scratchDir();
    const { result } = await runModule(shell, { cmd: `echo $((1 + 2)) | tr 3 x > ${dir}/out; cat ${dir}/out; echo err >&2` });
    assert.equal(result.changed, true);
    assert.equal(result.cmd, `echo $((1 + 2)) | tr 3 x > ${dir}/out; cat ${dir}/out; echo err >&2`);
    assert.equal(result.stdout, 'x');
    assert.equal(result.stderr, 'err');
    assert.equal(result.rc, 0);
  });

  test('a non-zero exit is failed with Ansible\'s message and the output kept', async () => {
    const { result } = await runModule(shell, { cmd: 'echo hi; exit 3' });
    assert.equal(result.failed, true);
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'non-zero return code');
    assert.equal(result.rc, 3);
    assert.equal(result.stdout, 'hi');
    assert.deepEqual(result.stdout_lines, ['hi']);
  });

  test('executable picks the shell', async () => {
    const { result } = await runModule(shell, { cmd: 'echo ${BASH_VERSION:+bash}', executable: '/bin/bash' });
    assert.equal(result.stdout, 'bash');
  });

  test('creates makes it idempotent, and check mode reports without running', async () => {
    const dir = scratchDir();
    const marker = join(dir, 'made');
    const args = { cmd: `touch ${marker} && echo made`, creates: marker };
    const check = await runModule(shell, args, { check: true });
    assert.equal(check.result.changed, true);
    assert.equal(existsSync(marker), false);
    assert.equal((await runModule(shell, args)).result.changed, true);
    const again = await runModule(shell, args);
    assert.equal(again.result.changed, false);
    assert.equal(again.result.msg, `Did not run command since '${marker}' exists`);
  });

  test('check mode without creates/removes skips', async () => {
    const { result } = await runModule(shell, { cmd: 'exit 1' }, { check: true });
    assert.equal(result.skipped, true);
    assert.equal(result.msg, 'Command would have run if not in check mode');
  });

  test('chdir and removes are read on the target, with ~ expanded', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'input'), 'data');
    const { result } = await runModule(shell, { cmd: 'cat input', chdir: dir, removes: 'input' });
    assert.equal(result.stdout, 'data');
    const home = await runModule(shell, { cmd: 'pwd', chdir: '~' });
    assert.equal(home.result.stdout, process.env.HOME);
  });

  test('argv words are quoted for the shell and reported as a list', async () => {
    const dir = scratchDir();
    const { result } = await runModule(shell, { argv: ['printf', '%s|', 'a  b', `; touch ${dir}/pwned`, '$HOME'] });
    assert.equal(result.stdout, `a  b|; touch ${dir}/pwned|$HOME|`);
    assert.deepEqual(result.cmd, ['printf', '%s|', 'a  b', `; touch ${dir}/pwned`, '$HOME']);
    assert.equal(existsSync(join(dir, 'pwned')), false);
    const both = await runModule(shell, { cmd: 'true', argv: ['true'] });
    assert.equal(both.result.msg, 'only command or argv can be given, not both');
  });

  test('stdin and strip_empty_ends work as with command', async () => {
    const { result } = await runModule(shell, { cmd: 'cat; echo', stdin: 'x', stdin_add_newline: false, strip_empty_ends: false });
    assert.equal(result.stdout, 'x\n');
  });

  test('a missing cmd is refused before anything runs', async () => {
    await assert.rejects(runModule(shell, { chdir: '/tmp' }), /missing required argument 'cmd' for module 'shell'/);
  });
});

describe('raw', () => {
  test('runs the text with sh and keeps the output as it is', async () => {
    const { result } = await runModule(raw, { cmd: 'echo hi; echo err >&2' });
    assert.deepEqual(result, { changed: true, rc: 0, stdout: 'hi\n', stderr: 'err\n', stdout_lines: ['hi'], stderr_lines: ['err'] });
  });

  test('a non-zero exit is failed; check mode skips', async () => {
    const failed = await runModule(raw, { cmd: 'exit 3' });
    assert.equal(failed.result.failed, true);
    assert.equal(failed.result.msg, 'non-zero return code');
    assert.equal(failed.result.rc, 3);
    const dir = scratchDir();
    const check = await runModule(raw, { cmd: `touch ${dir}/x` }, { check: true });
    assert.equal(check.result.skipped, true);
    assert.equal(existsSync(join(dir, 'x')), false);
  });
});
