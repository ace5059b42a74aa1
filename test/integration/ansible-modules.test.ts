import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';

// Compiled to dist/test/integration/: the fixture stays in the source tree.
const GREETING_MODULE = fileURLToPath(new URL('../../../test/fixtures/ansible-modules/greeting.py', import.meta.url));
const HOST_KEY = 'example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdPHbGpa8AjjCp6HOsH6uaOKmtkl+GzOuSMLVyeeV1v';

/** One module of each origin: a role's library/, a collection of Debian's `ansible`, ansible-core itself. */
const PLAYBOOK = `
- hosts: all
  gather_facts: false
  roles: [greeter]
  tasks:
    - name: nobody may read the target
      ansible.posix.acl: {path: /srv/acl-target, entity: nobody, etype: user, permissions: r, state: present}
    - name: a known host
      known_hosts: {path: /srv/known_hosts, name: example.org, key: "${HOST_KEY}"}
`;

const ROLE_TASKS = `
- name: greet
  greeting: {path: /srv/greeting.txt, text: hi, style: loud}
`;

function aclOf(path: string): string {
  return execFileSync('getfacl', ['--omit-header', '--absolute-names', path], { encoding: 'utf8' });
}

describe('Ansible modules betif-play has no native version of, over real SSH', () => {
  let lab: Lab;
  let work: string;
  let inventory: string[];

  const write = (name: string, text: string) => {
    const path = join(work, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const play = (playbook: string, ...args: string[]) => betifPlay([join(work, playbook), ...inventory, ...args]);
  const file = (host: number, path: string) => join(lab.hosts[host].root, path);

  before(async () => {
    lab = await startLab(2, { basePort: labPort(2680), dir: join(tmpdir(), 'betif-lab-ansible-modules') });
    work = mkdtempSync(join(tmpdir(), 'betif-ansible-modules-'));
    inventory = ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
    mkdirSync(join(work, 'roles', 'greeter', 'library'), { recursive: true });
    copyFileSync(GREETING_MODULE, join(work, 'roles', 'greeter', 'library', 'greeting.py'));
    write('roles/greeter/tasks/main.yml', ROLE_TASKS);
    write('site.yml', PLAYBOOK);
    for (const host of lab.hosts) writeFileSync(join(host.root, 'srv', 'acl-target'), 'data\n');
  });

  after(async () => {
    await lab?.stop();
  });

  test('--check reports the changes of all three and changes nothing', async () => {
    const aclBefore = aclOf(file(0, 'srv/acl-target'));
    const run = await play('site.yml', '--check');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).h1.changed, 3, run.stdout);
    assert.equal(existsSync(file(0, 'srv/greeting.txt')), false);
    assert.equal(existsSync(file(0, 'srv/known_hosts')), false);
    assert.equal(aclOf(file(0, 'srv/acl-target')), aclBefore);
  });

  test('--diff shows each change, and the hosts reach the end state; -v names the module file that ran', async () => {
    const run = await play('site.yml', '--diff', '-v');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(parseRecap(run.stdout).h2, { ok: 3, changed: 3, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    assert.match(run.stdout, /--- before: \/srv\/greeting.txt\n\+\+\+ after: \/srv\/greeting.txt\n@@ -0,0 \+1 @@\n\+HI\n/);
    assert.match(run.stdout, /\+\+\+ after: \/srv\/known_hosts\n@@ -0,0 \+1 @@\n\+example\.org ssh-ed25519 /);
    assert.match(run.stdout, /Using module file .*\/roles\/greeter\/library\/greeting\.py/);
    assert.match(run.stdout, /Using module file .*\/ansible_collections\/ansible\/posix\/plugins\/modules\/acl\.py/);
    assert.match(run.stdout, /Using module file .*\/ansible\/modules\/known_hosts\.py/);
    for (const host of [0, 1]) {
      assert.equal(readFileSync(file(host, 'srv/greeting.txt'), 'utf8'), 'HI\n');
      assert.equal(readFileSync(file(host, 'srv/known_hosts'), 'utf8'), `${HOST_KEY}\n`);
      assert.match(aclOf(file(host, 'srv/acl-target')), /^user:nobody:r--$/m);
    }
  });

  test('a second run reports changed=0', async () => {
    const run = await play('site.yml');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const host of ['h1', 'h2']) assert.equal(parseRecap(run.stdout)[host].changed, 0, run.stdout);
  });

  /** One run yields the evidence of the no_log test and the become test: a play of each. */
  let secretAndBecome: ReturnType<typeof play> | undefined;
  const runSecretAndBecome = () => {
    secretAndBecome ??= (() => {
      write('secret-become.yml', `
- hosts: h1
  gather_facts: false
  roles: [greeter]
  tasks:
    - name: with a token
      greeting: {path: /srv/token.txt, token: hunter2-token}
      register: shown
    - name: hidden task
      greeting: {path: /srv/hidden.txt, text: hunter3-text}
      no_log: true
    - debug: {var: shown}

- hosts: h1
  gather_facts: false
  tasks:
    - known_hosts: {path: /srv/become_known_hosts, name: example.org, key: "${HOST_KEY}"}
      become: true
`);
      return play('secret-become.yml', '-vvv');
    })();
    return secretAndBecome;
  };

  test('no_log hides the task result and a no_log option never shows, even with -vvv', async () => {
    const run = await runSecretAndBecome();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const output = run.stdout + run.stderr;
    assert.doesNotMatch(output, /hunter2-token|hunter3-text/);
    assert.match(output, /VALUE_SPECIFIED_IN_NO_LOG_PARAMETER/);
    assert.match(output, /"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"/);
    assert.match(output, /\[WARNING\]: a token was given/);
    assert.equal(readFileSync(file(0, 'srv/hidden.txt'), 'utf8'), 'hunter3-text\n');
  });

  test('become runs the module as root through sudo', async () => {
    const run = await runSecretAndBecome();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(readFileSync(file(0, 'srv/become_known_hosts'), 'utf8'), `${HOST_KEY}\n`);
  });

  test("a failing module fails the host with the module's message", async () => {
    write('failing.yml', `
- hosts: all
  gather_facts: false
  roles: [greeter]
  tasks:
    - greeting: {path: /srv/fail.txt, text: FAIL loudly}
`);
    const run = await play('failing.yml');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /fatal: \[h1\]: FAILED! => \{.*"msg": "cannot greet with FAIL loudly"/);
    assert.equal(parseRecap(run.stdout).h2.failed, 1);
  });

  test('a python that cannot be run fails the task with a clear message', async () => {
    write('nopython.yml', `
- hosts: h1
  gather_facts: false
  vars: {ansible_python_interpreter: /nonexistent/python3}
  tasks:
    - known_hosts: {path: /srv/kh, name: example.org, key: "${HOST_KEY}"}
`);
    const run = await play('nopython.yml');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /needs Python on the host: the Python interpreter '\/nonexistent\/python3' \(ansible_python_interpreter\) cannot be run/);
  });

  test('mistakes are found at load time with file:line:column, before any host is contacted (exit 4)', async () => {
    const cases: [string, RegExp][] = [
      ['community.general.no_such_module: {a: 1}', /:5:7: couldn't resolve module\/action 'community\.general\.no_such_module'.*looked in .*ansible_collections\/community\/general.*ansible-galaxy collection install community\.general/],
      ['no_such_module: {a: 1}', /:5:7: couldn't resolve module\/action 'no_such_module'.*looked in .*library\/no_such_module/],
      ['known_hosts: {name: example.org, keyy: x}', /:5:7: Unsupported parameters for \(known_hosts\) module: keyy\. Supported parameters include: hash_host, key, name \(host\), path, state\./],
      ['ansible.posix.acl: {path: /srv/x, state: maybe}', /:5:7: value of state must be one of: absent, present, query, got: maybe/],
      ['ansible.builtin.hostname: {use: systemd}', /:5:7: missing required arguments: name/],
      ['community.general.iptables_state: {path: /tmp/rules, state: saved}', /:5:7: the module 'community\.general\.iptables_state' runs through a controller-side action plugin .*iptables_state\.py\) that betif-play does not implement/],
    ];
    for (const [task, expected] of cases) {
      write('bad.yml', `- hosts: all\n  gather_facts: false\n  roles: [greeter]\n  tasks:\n    - ${task}\n`);
      const run = await betifPlay([join(work, 'bad.yml'), ...inventory], { cwd: work });
      assert.equal(run.code, 4, `${task}\n${run.stdout}${run.stderr}`);
      assert.match(run.stderr, expected);
      assert.doesNotMatch(run.stdout, /TASK \[/);
    }
  });
});
