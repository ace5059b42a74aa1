import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { encryptText } from '../../src/vault/keyring.js';
import { betifPlay } from '../helpers/cli.js';
import {
  CLI_CASES, CONFIG_CASES, FILE_CASES, HANDLER_CASES, INVENTORY_CASES, KEYWORD_CASES, MODULE_CASES, STRUCTURE_CASES, TEMPLATE_CASES, VAULT_CASES, YAML_CASES,
  playbook, type BadInput,
} from '../fixtures/bad-inputs/cases.js';

const VAULT_PREFIX = '@VAULT@';
const DEFAULT_ARGS = ['playbook.yml', '-i', 'localhost,', '-c', 'local'];

let root: string;

/** Writes the case's project: the marker path filled in, `@VAULT@text` encrypted with the password "right". */
function project(index: number, bad: BadInput): { dir: string; marker: string } {
  const dir = join(root, String(index).padStart(3, '0'));
  const marker = join(dir, 'MARKER');
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(bad.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    const content = text.startsWith(VAULT_PREFIX)
      ? encryptText(Buffer.from(text.slice(VAULT_PREFIX.length)), { label: 'default', password: Buffer.from('right') })
      : text.replaceAll('@MARKER@', marker);
    writeFileSync(join(dir, path), content);
  }
  return { dir, marker };
}

function corpus(title: string, cases: BadInput[], offset: number): void {
  describe(title, () => {
    cases.forEach((bad, i) => {
      test(bad.name, async () => {
        const { dir, marker } = project(offset + i, bad);
        const run = await betifPlay(bad.args ?? DEFAULT_ARGS, { cwd: dir, env: { ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ...bad.env } });
        const shown = `exit ${run.code}\n--- stderr\n${run.stderr}--- stdout\n${run.stdout}`;
        assert.equal(run.code, bad.code, shown);
        assert.match(run.stderr, bad.message, shown);
        if (bad.at) assert.ok(run.stderr.includes(`${join(dir, bad.at)}:`), `expected ${bad.at} in:\n${shown}`);
        assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
        assert.equal(existsSync(marker), false, `the marker task ran:\n${shown}`);
        if (!bad.warningOnly) {
          const errors = run.stderr.split('\n').filter((line) => /^(?:ERROR|error)/.test(line));
          assert.equal(errors.length, 1, `one error message:\n${shown}`);
          assert.doesNotMatch(run.stdout, /^(?:PLAY|TASK) \[/m, 'no play started');
        }
      });
    });
  });
}

const SUITES: [string, BadInput[]][] = [
  ['YAML and playbook shape', YAML_CASES],
  ['plays, blocks and tasks', STRUCTURE_CASES],
  ['keyword values', KEYWORD_CASES],
  ['modules and their arguments', MODULE_CASES],
  ['files and roles that are missing', FILE_CASES],
  ['Jinja templates (compiled, not rendered)', TEMPLATE_CASES],
  ['notify and listen', HANDLER_CASES],
  ['inventories and host patterns', INVENTORY_CASES],
  ['ansible.cfg', CONFIG_CASES],
  ['vault', VAULT_CASES],
  ['command-line options', CLI_CASES],
];

describe('a bad input is refused before any host is contacted: exit code, FILE:LINE:COLUMN, message, and the marker task placed first never ran', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'betif-bad-inputs-'));
  });

  test('the corpus holds at least 80 bad inputs', () => {
    assert.ok(SUITES.reduce((sum, [, cases]) => sum + cases.length, 0) >= 80);
  });

  let offset = 0;
  for (const [title, cases] of SUITES) {
    corpus(title, cases, offset);
    offset += cases.length;
  }

  describe('the shipped command (bin.js) behaves as the in-process runs', () => {
    test('a Jinja syntax error: one line, exit 4, no stack; with -vvv the stack follows', async () => {
      const { dir, marker } = project(900, { name: 'bin', files: { 'playbook.yml': playbook('    - debug:\n        msg: "{{ a | }}"\n') }, code: 4, message: /./ });
      const run = await betifPlay(DEFAULT_ARGS, { cwd: dir });
      assert.equal(run.code, 4, run.stderr);
      assert.equal(run.stderr, `ERROR! ${join(dir, 'playbook.yml')}:7:9: template error in 'debug.msg': expected symbol, got variable-end. String: {{ a | }}\n`);
      assert.equal(existsSync(marker), false);
      const verbose = await betifPlay([...DEFAULT_ARGS, '-vvv'], { cwd: dir });
      assert.equal(verbose.code, 4);
      assert.match(verbose.stderr, /\n\s+at /, 'the stack with -vvv');
    });
  });

  describe('values that only look wrong are accepted (no false alarms)', () => {
    test('templated keyword values, percent serial, yes/no booleans, a notify by listen topic and by "role : name", a guarded unknown filter', async () => {
      const tasks = [
        '    - command: echo',
        '      notify: [topic, "r : h"]',
        '      throttle: "{{ n }}"',
        '      retries: "3"',
        '      delay: 0.5',
        '      until: true',
        '      ignore_errors: yes',
        '    - debug: msg="{{ (x | some_collection_filter) if false else 1 }}"',
        '    - import_role: {name: r}',
        '',
      ].join('\n');
      const extra = '  serial: ["50%", 1]\n  any_errors_fatal: "{{ strict }}"\n  vars: {n: 1, strict: false}\n  handlers:\n    - name: other\n      debug: msg=h\n      listen: topic\n';
      const { dir, marker } = project(901, {
        name: 'good',
        files: { 'playbook.yml': playbook(tasks, extra), 'roles/r/tasks/main.yml': '- debug: msg=in-role\n', 'roles/r/handlers/main.yml': '- name: h\n  debug: msg=h\n' },
        code: 0,
        message: /./,
      });
      const run = await betifPlay(DEFAULT_ARGS, { cwd: dir });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.equal(existsSync(marker), true, 'the play ran');
    });

    test('a copy source missing at load time but made by an earlier task on the controller', async () => {
      const tasks = [
        '    - copy: {content: made, dest: "{{ playbook_dir }}/files/made.txt"}',
        '      delegate_to: localhost',
        '    - copy: {src: made.txt, dest: "{{ playbook_dir }}/copied.txt"}',
        '',
      ].join('\n');
      const { dir } = project(902, { name: 'made', files: { 'playbook.yml': playbook(tasks), 'files/.keep': '' }, code: 0, message: /./ });
      const run = await betifPlay(DEFAULT_ARGS, { cwd: dir });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.equal(readFileSync(join(dir, 'copied.txt'), 'utf8'), 'made');
    });
  });
});
