import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import command from '../../src/modules/commands/command.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const PYTHON_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;

describe('command', () => {
  test('runs the command and reports Ansible\'s result keys', async () => {
    const { result } = await runModule(command, { cmd: 'echo hello   world' });
    assert.equal(result.changed, true);
    assert.equal(result.failed, undefined);
    assert.deepEqual(result.cmd, ['echo', 'hello', 'world']);
    assert.equal(result.rc, 0);
    assert.equal(result.stdout, 'hello world');
    assert.deepEqual(result.stdout_lines, ['hello world']);
    assert.equal(result.stderr, '');
    assert.deepEqual(result.stderr_lines, []);
    assert.equal(result.msg, '');
    assert.match(String(result.start), PYTHON_DATETIME);
    assert.match(String(result.end), PYTHON_DATETIME);
    assert.match(String(result.delta), /^0:00:\d\d\.\d{6}$/);
  });

  test('words split like Python\'s shlex.split: quotes group, nothing is interpreted by a shell', async () => {
    const { result } = await runModule(command, { cmd: `printf '[%s]' "a b" 'c  d' e\\ f a|b c#d # e>f *.txt $'x' ""` });
    assert.equal(result.stdout, '[a b][c  d][e f][a|b][c#d][#][e>f][*.txt][$x][]');
  });

  test('shell syntax in the command is data, not code', async () => {
    const dir = scratchDir();
    const pwned = join(dir, 'pwned-X');
    for (const cmd of [`echo hi ; touch ${pwned}`, `echo $(touch ${pwned})`, `echo \`touch ${pwned}\``, `echo hi && touch ${pwned} | cat`]) {
      const { result } = await runModule(command, { cmd });
      assert.equal(result.rc, 0, cmd);
      assert.equal(existsSync(pwned), false, `${cmd} ran a second command`);
    }
    const { result } = await runModule(command, { cmd: `echo hi ; touch ${pwned}` });
    assert.equal(result.stdout, `hi ; touch ${pwned}`);
  });

  test('argv runs exactly the given words', async () => {
    const { result } = await runModule(command, { argv: ['printf', '%s|', 'a b', '; rm -rf /', 3] });
    assert.equal(result.stdout, 'a b|; rm -rf /|3|');
    assert.deepEqual(result.cmd, ['printf', '%s|', 'a b', '; rm -rf /', '3']);
  });

  test('$VARS and ~ are expanded on the target, as Ansible does without a shell', async () => {
    const { result } = await runModule(command, { cmd: 'printf %s| $HOME ${HOME}/x ~ ~/y $BETIF_NOT_SET_X' });
    const home = process.env.HOME ?? homedir();
    assert.equal(result.stdout, `${home}|${home}/x|${home}|${home}/y|$BETIF_NOT_SET_X|`);
  });

  test('a failing command is failed with rc, stdout and stderr kept', async () => {
    const { result } = await runModule(command, { cmd: 'ls /nonexistent-betif-dir' });
    assert.equal(result.failed, true);
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'non-zero return code');
    assert.equal(result.rc, 2);
    assert.equal(result.stdout, '');
    assert.match(String(result.stderr), /No such file or directory/);
    assert.equal((result.stderr_lines as string[]).length, 1);
    assert.deepEqual(result.cmd, ['ls', '/nonexistent-betif-dir']);
  });

  test('a command that does not exist fails with a non-zero rc', async () => {
    const { result } = await runModule(command, { cmd: 'betif-no-such-program --flag' });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'non-zero return code');
    assert.notEqual(result.rc, 0);
  });

  test('creates: runs once, then reports ok without running', async () => {
    const dir = scratchDir();
    const marker = join(dir, 'done');
    const args = { cmd: `touch ${marker}`, creates: marker };
    const first = await runModule(command, args);
    assert.equal(first.result.changed, true);
    assert.equal(existsSync(marker), true);
    const second = await runModule(command, args);
    assert.equal(second.result.changed, false);
    assert.equal(second.result.failed, undefined);
    assert.equal(second.result.rc, 0);
    assert.equal(second.result.msg, `Did not run command since '${marker}' exists`);
    assert.equal(second.result.stdout, `skipped, since ${marker} exists`);
    assert.equal(second.result.start, null);
  });

  test('creates takes a glob, relative to chdir', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'a.done'), '');
    const ran = join(dir, 'ran');
    const { result } = await runModule(command, { cmd: `touch ${ran}`, chdir: dir, creates: '*.done' });
    assert.equal(result.changed, false);
    assert.equal(existsSync(ran), false);
  });

  test('removes: runs while the path exists, skips once it is gone', async () => {
    const dir = scratchDir();
    const target = join(dir, 'old');
    writeFileSync(target, '');
    const args = { cmd: `rm ${target}`, removes: target };
    assert.equal((await runModule(command, args)).result.changed, true);
    assert.equal(existsSync(target), false);
    const second = await runModule(command, args);
    assert.equal(second.result.changed, false);
    assert.equal(second.result.msg, `Did not run command since '${target}' does not exist`);
  });

  test('check mode without creates/removes skips: the outcome cannot be known', async () => {
    const dir = scratchDir();
    const marker = join(dir, 'x');
    const { result } = await runModule(command, { cmd: `touch ${marker}` }, { check: true });
    assert.equal(result.skipped, true);
    assert.equal(result.changed, false);
    assert.equal(result.msg, 'Command would have run if not in check mode');
    assert.equal(existsSync(marker), false);
  });

  test('check mode with creates/removes reports the known outcome without running', async () => {
    const dir = scratchDir();
    const marker = join(dir, 'x');
    const wouldRun = await runModule(command, { cmd: `touch ${marker}`, creates: marker }, { check: true });
    assert.equal(wouldRun.result.changed, true);
    assert.equal(wouldRun.result.skipped, undefined);
    assert.equal(wouldRun.result.msg, 'Command would have run if not in check mode');
    assert.equal(existsSync(marker), false);

    writeFileSync(marker, '');
    const wouldNot = await runModule(command, { cmd: `rm ${marker}`, creates: marker }, { check: true });
    assert.equal(wouldNot.result.changed, false);
    assert.equal(wouldNot.result.msg, `Would not run command since '${marker}' exists`);

    const removesGone = await runModule(command, { cmd: 'true', removes: join(dir, 'absent') }, { check: true });
    assert.equal(removesGone.result.changed, false);
    assert.equal(existsSync(marker), true);
  });

  test('chdir runs the command there; a missing directory is a clear failure', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'sub'));
    const { result } = await runModule(command, { cmd: 'pwd', chdir: join(dir, 'sub') });
    assert.equal(result.stdout, join(dir, 'sub'));
    const missing = await runModule(command, { cmd: 'pwd', chdir: join(dir, 'nope') });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, `Unable to change directory before execution: No such file or directory: '${join(dir, 'nope')}'`);
  });

  test('stdin is fed to the command, with a newline unless told otherwise', async () => {
    const withNewline = await runModule(command, { cmd: 'od -c', stdin: 'hi' });
    assert.match(String(withNewline.result.stdout), /h\s+i\s+\\n/);
    const exact = await runModule(command, { cmd: 'cat', stdin: 'a\nb\n\n', stdin_add_newline: false, strip_empty_ends: false });
    assert.equal(exact.result.stdout, 'a\nb\n\n');
    assert.deepEqual(exact.result.stdout_lines, ['a', 'b', '']);
  });

  test('executable is accepted and ignored, with Ansible\'s warning in the result', async () => {
    const warning = "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/bash'.";
    const { result } = await runModule(command, { cmd: 'echo $0', executable: '/bin/bash' });
    assert.equal(result.stdout, '$0');
    assert.deepEqual(result.warnings, [warning]);
    const check = await runModule(command, { cmd: 'true', executable: '/bin/bash' }, { check: true });
    assert.equal(check.result.skipped, true);
    assert.deepEqual(check.result.warnings, [warning]);
    assert.equal((await runModule(command, { cmd: 'true' })).result.warnings, undefined);
  });

  test('bad arguments get clear messages', async () => {
    await assert.rejects(runModule(command, { cmd: 'true', crates: '/x' }), /unsupported argument 'crates' for module 'command' \(did you mean 'creates'\?\)/);
    await assert.rejects(runModule(command, { cmd: 'true', stdin_add_newline: 'maybe' }), /stdin_add_newline/);
    const both = await runModule(command, { cmd: 'true', argv: ['true'] });
    assert.equal(both.result.failed, true);
    assert.equal(both.result.msg, 'only command or argv can be given, not both');
    const none = await runModule(command, { cmd: '  ' });
    assert.equal(none.result.msg, 'no command given');
    const unbalanced = await runModule(command, { cmd: "echo it's" });
    assert.equal(unbalanced.result.failed, true);
    assert.match(String(unbalanced.result.msg), /^failed at splitting arguments, unbalanced quotes: echo it's/);
  });
});
