import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, betifPlay, parseRecap } from '../helpers/cli.js';

let work: string;
let inventory: string;

const PLAYBOOK = `
- name: features
  hosts: web
  gather_facts: false
  vars:
    color: play
  roles:
    - {role: greeter, tags: [greet]}
  tasks:
    - name: tagged setup
      debug: {msg: "setup {{ color }}"}
      tags: [setup]
    - name: always runs
      debug: {msg: always}
      tags: [always]
    - name: only on request
      debug: {msg: never}
      tags: [never, debugging]
    - name: secret work
      debug: {msg: "the password is hunter2-{{ inventory_hostname }}"}
      no_log: true
`;

function run(args: string[]) {
  return betifPlay([join(work, 'site.yml'), '-i', inventory, ...args]);
}

describe('command-line features (local connection)', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-cli-'));
    inventory = join(work, 'hosts.ini');
    writeFileSync(inventory, '[web]\nweb1 ansible_connection=local\nweb2 ansible_connection=local\n[db]\ndb1 ansible_connection=local\n');
    mkdirSync(join(work, 'roles', 'greeter', 'tasks'), { recursive: true });
    writeFileSync(join(work, 'roles', 'greeter', 'tasks', 'main.yml'), '- name: greet\n  debug: {msg: "hello from {{ inventory_hostname }}"}\n');
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    writeFileSync(join(work, 'extra.yml'), 'color: from-file\n');
  });

  test('--version prints the version', async () => {
    const result = await betifPlay(['--version'], { freshProcess: true });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^betif-play \d+\.\d+\.\d+\n$/);
  });

  test('--list-hosts lists the hosts of each play, narrowed by --limit', async () => {
    const result = await run(['--list-hosts', '--limit', 'web2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /play #1 \(web\): features/);
    assert.match(result.stdout, /hosts \(1\):\n\s+web2\n/);
  });

  test('--list-tasks lists the selected tasks, role tasks with the role prefix, tags sorted', async () => {
    const result = await run(['--list-tasks']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /greeter : greet\tTAGS: \[greet\]/);
    assert.doesNotMatch(result.stdout, /only on request/);
    const requested = await run(['--list-tasks', '--tags', 'debugging']);
    assert.match(requested.stdout, /only on request\tTAGS: \[debugging, never\]/);
    assert.doesNotMatch(requested.stdout, /greeter : greet/);
  });

  test('--syntax-check validates and runs nothing', async () => {
    const result = await run(['--syntax-check']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /playbook: .*site\.yml/);
    assert.doesNotMatch(result.stdout, /PLAY RECAP/);
  });

  test('--tags runs the tagged tasks plus always; never runs only when asked', async () => {
    const result = await run(['--tags', 'setup']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /TASK \[tagged setup\]/);
    assert.match(result.stdout, /TASK \[always runs\]/);
    assert.doesNotMatch(result.stdout, /TASK \[greeter : greet\]/);
    assert.doesNotMatch(result.stdout, /TASK \[only on request\]/);
    const asked = await run(['--tags', 'debugging']);
    assert.match(asked.stdout, /TASK \[only on request\]/);
  });

  test('--skip-tags skips a role tagged through roles:', async () => {
    const result = await run(['--skip-tags', 'greet']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /greeter : greet/);
    assert.match(result.stdout, /TASK \[tagged setup\]/);
  });

  test('-e @file and -e k=v override play vars, the last one winning', async () => {
    const fromFile = await run(['--tags', 'setup', '-e', `@${join(work, 'extra.yml')}`]);
    assert.match(fromFile.stdout, /"msg": "setup from-file"/);
    const both = await run(['--tags', 'setup', '-e', `@${join(work, 'extra.yml')}`, '-e', 'color=cli']);
    assert.match(both.stdout, /"msg": "setup cli"/);
  });

  test('no_log hides the result on screen and in the log file', async () => {
    const log = join(work, 'run.jsonl');
    const result = await run(['--log-file', log]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /hunter2/);
    assert.match(result.stdout, /the output has been hidden due to the fact that 'no_log: true' was specified/);
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(entries.some((entry) => entry.event === 'result' && entry.host === 'web1'));
    assert.ok(entries.some((entry) => entry.event === 'recap'));
    assert.doesNotMatch(readFileSync(log, 'utf8'), /hunter2/);
  });

  test('the log file records every command run on a host, with its exit code and duration', async () => {
    const playbook = join(work, 'commands.yml');
    writeFileSync(playbook, '- hosts: db\n  gather_facts: false\n  tasks:\n    - command: echo logged-word\n    - command: echo secret-word\n      no_log: true\n');
    const log = join(work, 'commands.jsonl');
    const result = await betifPlay([playbook, '-i', inventory, '--log-file', log]);
    assert.equal(result.code, 0, result.stderr);
    const commands = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'command');
    const shown = commands.find((entry) => JSON.stringify(entry.argv).includes('logged-word'));
    assert.ok(shown, 'the command is logged');
    assert.equal(shown.rc, 0);
    assert.equal(typeof shown.durationMs, 'number');
    assert.ok(commands.some((entry) => entry.argv === '(hidden: no_log)'));
    assert.doesNotMatch(readFileSync(log, 'utf8'), /secret-word/);
  });

  test('an interrupted run exits with code 99', async () => {
    const playbook = join(work, 'slow.yml');
    writeFileSync(playbook, '- hosts: db\n  gather_facts: false\n  tasks:\n    - command: sleep 10\n');
    const child = spawn(process.execPath, [BIN, playbook, '-i', inventory], { stdio: 'pipe' });
    await once(child.stdout, 'data');
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 99);
  });

  test('--json prints one document with plays, tasks, host results and stats', async () => {
    const result = await run(['--json', '--tags', 'setup']);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as { plays: { play: { name: string }; tasks: { task: { name: string }; hosts: Record<string, { msg?: string }> }[] }[]; stats: Record<string, { ok: number; failures: number }> };
    assert.equal(document.plays[0].play.name, 'features');
    const task = document.plays[0].tasks.find((entry) => entry.task.name === 'tagged setup');
    assert.equal(task?.hosts.web1.msg, 'setup play');
    assert.equal(document.stats.web2.ok, 2);
    assert.equal(document.stats.web2.failures, 0);
  });

  test('-v prints each result', async () => {
    const result = await run(['-v', '--tags', 'greet']);
    assert.match(result.stdout, /ok: \[web1\] => \{"changed": false, "msg": "hello from web1"\}|ok: \[web1\] => \{\n {4}"msg": "hello from web1"\n\}/);
    const recap = parseRecap(result.stdout);
    assert.equal(recap.web1.ok, 2);
  });
});
