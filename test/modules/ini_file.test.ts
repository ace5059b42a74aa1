import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import iniFile from '../../src/modules/files/ini_file.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

interface Case {
  initial: string;
  args: Record<string, unknown>;
  content: string;
  changed: boolean;
  msg: string;
}

/** Each outcome was checked against `ansible localhost -m community.general.ini_file` (community.general 6.6.2, Ansible 2.14). */
const ANSIBLE_CASES: Case[] = [
  { initial: '', args: { section: 's', option: 'a', value: '1' }, content: '\n[s]\na = 1\n', changed: true, msg: 'section and option added' },
  { initial: '', args: { option: 'a', value: '1' }, content: 'a = 1\n\n', changed: true, msg: 'option added' },
  { initial: '[s]\na=1\n', args: { section: 's', option: 'a', value: '2' }, content: '[s]\na = 2\n', changed: true, msg: 'option changed' },
  { initial: '[s]\na = 1\n', args: { section: 's', option: 'a', value: '1' }, content: '[s]\na = 1\n', changed: false, msg: 'OK' },
  { initial: '[s]\na=1\n', args: { section: 's', option: 'a', value: '1' }, content: '[s]\na = 1\n', changed: true, msg: 'option changed' },
  { initial: '[s]\na = 1', args: { section: 's', option: 'a', value: '1' }, content: '[s]\na = 1\n', changed: true, msg: 'OK' },
  { initial: '[s]\n# a = 1\nb = 2\n\n[t]\nc = 3\n', args: { section: 's', option: 'a', value: '9' }, content: '[s]\na = 9\nb = 2\n\n[t]\nc = 3\n', changed: true, msg: 'option changed' },
  { initial: '[s]\nb = 2\n\n# trailing\n[t]\nc = 3\n', args: { section: 's', option: 'a', value: '9' }, content: '[s]\nb = 2\na = 9\n\n# trailing\n[t]\nc = 3\n', changed: true, msg: 'option added' },
  { initial: '[s]\nb = 2\n', args: { section: 't', option: 'a', value: '9' }, content: '[s]\nb = 2\n[t]\na = 9\n', changed: true, msg: 'section and option added' },
  { initial: '[s]\nb = 2\n', args: { section: 't', allow_no_value: true }, content: '[s]\nb = 2\n[t]\n', changed: true, msg: 'only section added' },
  { initial: '[s]\nb = 2\n', args: { section: 's', option: 'flag', allow_no_value: true }, content: '[s]\nb = 2\nflag\n', changed: true, msg: 'option added' },
  { initial: '[s]\nb = 2\nflag\n', args: { section: 's', option: 'flag', allow_no_value: true }, content: '[s]\nb = 2\nflag\n', changed: false, msg: 'OK' },
  { initial: '[s]\nb = 1\nb = 2\nb = 3\n', args: { section: 's', option: 'b', values: ['3', '4'] }, content: '[s]\nb = 4\nb = 3\n', changed: true, msg: 'option changed' },
  { initial: '[s]\nb = 1\nb = 2\nb = 3\n', args: { section: 's', option: 'b', values: ['3', '4'], exclusive: false }, content: '[s]\nb = 1\nb = 2\nb = 3\nb = 4\n', changed: true, msg: 'option added' },
  { initial: '[s]\nb = 1\nb = 2\n', args: { section: 's', option: 'b', state: 'absent' }, content: '[s]\n', changed: true, msg: 'option changed' },
  { initial: '[s]\nb = 1\nb = 2\n', args: { section: 's', option: 'b', state: 'absent', exclusive: false, values: ['2'] }, content: '[s]\nb = 1\n', changed: true, msg: 'option changed' },
  { initial: '[s]\nb = 1\n[t]\nc = 2\n', args: { section: 's', state: 'absent' }, content: '[t]\nc = 2\n', changed: true, msg: 'section removed' },
  { initial: 'a=1\n[s]\nb = 1\n', args: { option: 'a', value: '2', no_extra_spaces: true }, content: 'a=2\n[s]\nb = 1\n', changed: true, msg: 'option changed' },
  { initial: 'a=1\n[s]\nb = 1\n', args: { option: 'z', value: '2' }, content: 'a=1\nz = 2\n[s]\nb = 1\n', changed: true, msg: 'option added' },
  { initial: '\ufeff[s]\r\nb = 1\r\n', args: { section: 's', option: 'b', value: '1' }, content: '\ufeff[s]\r\nb = 1\r\n', changed: false, msg: 'OK' },
  { initial: '[s]\n;b = 1\n', args: { section: 's', option: 'b', state: 'absent' }, content: '[s]\n;b = 1\n', changed: false, msg: 'OK' },
  { initial: '[s]\nb = 1\n', args: { section: 's', option: 'c', state: 'absent' }, content: '[s]\nb = 1\n', changed: false, msg: 'OK' },
  { initial: '[s]\nk=v\n', args: { section: 's', option: 'k', values: [] }, content: '[s]\nk=v\n', changed: false, msg: "Parameter 'value(s)' must be defined if state=present and allow_no_value=False." },
];

describe('ini_file', () => {
  test('matches Ansible on placements, multiple values, comments, global options and sections', async () => {
    const dir = scratchDir();
    for (const [index, { initial, args, content, changed, msg }] of ANSIBLE_CASES.entries()) {
      const path = join(dir, `case-${index}.ini`);
      writeFileSync(path, initial);
      const { result } = await runModule(iniFile, { ...args, path });
      const label = `case ${index}: ${JSON.stringify(args)} on ${JSON.stringify(initial)}`;
      assert.equal(readFileSync(path, 'utf8'), content, label);
      assert.equal(result.msg, msg, label);
      assert.equal(result.changed ?? false, changed, label);
    }
  });

  test('ignore_spaces leaves an active line with the right value alone', async () => {
    const path = join(scratchDir(), 'app.ini');
    writeFileSync(path, '[s]\nb  =   1\n');
    const { result } = await runModule(iniFile, { path, section: 's', option: 'b', value: '1', ignore_spaces: true });
    assert.equal(result.changed, false);
    assert.equal(readFileSync(path, 'utf8'), '[s]\nb  =   1\n');
  });

  test('check mode reports and diffs the change, writes nothing, and ignores attributes as ini_file does', async () => {
    const dir = scratchDir();
    const path = join(dir, 'conf.d', 'app.ini');
    const check = await runModule(iniFile, { path, section: 'main', option: 'port', value: 8080, mode: '0600' }, { check: true });
    assert.equal(check.result.changed, true);
    assert.equal(check.result.msg, 'section and option added');
    assert.deepEqual(check.diff, [{ before: '', after: '\n[main]\nport = 8080\n', beforeHeader: `${path} (content)`, afterHeader: `${path} (content)` }]);
    assert.equal(existsSync(join(dir, 'conf.d')), false);
    const first = await runModule(iniFile, { path, section: 'main', option: 'port', value: 8080, mode: '0600' });
    assert.equal(first.result.changed, true);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const modeOnly = await runModule(iniFile, { path, section: 'main', option: 'port', value: 8080, mode: '0640' }, { check: true });
    assert.equal(modeOnly.result.changed, false);
    const applied = await runModule(iniFile, { path, section: 'main', option: 'port', value: 8080, mode: '0640' });
    assert.deepEqual([applied.result.changed, applied.result.msg], [true, 'OK']);
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.equal((await runModule(iniFile, { path, section: 'main', option: 'port', value: 8080, mode: '0640' })).result.changed, false);
  });

  test('backup keeps the old file; create: false fails on a missing file', async () => {
    const dir = scratchDir();
    const path = join(dir, 'app.ini');
    writeFileSync(path, '[s]\na = 1\n');
    const { result } = await runModule(iniFile, { path, section: 's', option: 'a', value: '2', backup: true });
    assert.equal(readFileSync(result.backup_file as string, 'utf8'), '[s]\na = 1\n');
    const missing = await runModule(iniFile, { path: join(dir, 'nope.ini'), section: 's', option: 'a', value: '1', create: false });
    assert.deepEqual([missing.result.failed, missing.result.msg, missing.result.rc], [true, `Destination ${join(dir, 'nope.ini')} does not exist!`, 257]);
    const both = await runModule(iniFile, { path, option: 'a', value: '1', values: ['2'] });
    assert.equal(both.result.msg, 'parameters are mutually exclusive: value|values');
  });

  test('bad arguments fail at load time', async () => {
    await assert.rejects(runModule(iniFile, { section: 's' }), /missing required argument 'path'/);
    await assert.rejects(runModule(iniFile, { path: '/x', state: 'gone' }), ArgumentError);
    await assert.rejects(runModule(iniFile, { path: '/x', no_extra_space: true }), /did you mean 'no_extra_spaces'/);
  });
});

describe('ini_file on a lab host over SSH', () => {
  let lab: LabPlaybooks;
  const file = () => join(lab.root, 'srv', 'app.ini');
  const play = (tasks: string) => `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
  const tasks = play(
    '    - community.general.ini_file: {path: /srv/app.ini, section: server, option: port, value: "8080", mode: "0640"}\n' +
      '    - ini_file: {dest: /srv/app.ini, section: null, option: debug, value: "false", no_extra_spaces: true}\n' +
      '    - ini_file: {path: /srv/app.ini, section: old, state: absent}\n',
  );

  before(async () => {
    lab = await labPlaybooks('ini-file', 3350);
  });

  after(async () => {
    await lab?.stop();
  });

  test('edits the file once; --check --diff changes nothing; a second run reports changed=0', async () => {
    writeFileSync(file(), '[old]\nx = 1\n[server]\nport = 80\n');
    const check = await lab.play(tasks, ['--check', '--diff']);
    assert.equal(check.recap.h1.changed, 3, check.stdout);
    assert.equal(readFileSync(file(), 'utf8'), '[old]\nx = 1\n[server]\nport = 80\n');
    assert.match(check.stdout, /-port = 80\n\+port = 8080/);
    const first = await lab.play(tasks);
    assert.equal(first.recap.h1.changed, 3, first.stdout + first.stderr);
    assert.equal(readFileSync(file(), 'utf8'), 'debug=false\n[server]\nport = 8080\n');
    assert.equal(statSync(file()).mode & 0o777, 0o640);
    const second = await lab.play(tasks);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
  });

  test('values that look like shell or regex stay data', async () => {
    const tag = `pwned-ini-${process.pid}`;
    writeFileSync(file(), '[a.b]\nkey = 1\n[axb]\nkey = 2\n');
    const run = await lab.play(play(`    - ini_file: {path: /srv/app.ini, section: a.b, option: "key", value: "$(touch /tmp/${tag}) ; \`id\`"}\n`));
    assert.equal(run.recap.h1.changed, 1, run.stdout);
    assert.equal(readFileSync(file(), 'utf8'), `[a.b]\nkey = $(touch /tmp/${tag}) ; \`id\`\n[axb]\nkey = 2\n`);
    for (const where of [join(lab.root, 'tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('an unknown argument fails at load time with file:line:column', async () => {
    const run = await lab.play(play('    - ini_file: {path: /srv/app.ini, option: a, value: b, exclusiv: true}\n'));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: unsupported argument 'exclusiv' for module 'ini_file' \\(did you mean 'exclusive'\\?\\)`));
  });
});
