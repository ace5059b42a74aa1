import { execFileSync, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';

const SECRET = 'vaulted-S3cret-9f2a';

function ansibleVault(args: string[], cwd: string): string {
  return execFileSync('ansible-vault', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let encryptedGroupVars: string | undefined;

/** The group_vars file as ansible-vault encrypts it (once: every project holds the same text under the same password). */
function groupVarsEncryptedByAnsible(): string {
  if (encryptedGroupVars === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'betif-cfgvault-encrypt-'));
    writeFileSync(join(dir, '.vault-pass'), 'project-pass\n');
    writeFileSync(join(dir, 'all.yml'), `app_secret: ${SECRET}\n`);
    ansibleVault(['encrypt', '--vault-password-file', '.vault-pass', 'all.yml'], dir);
    encryptedGroupVars = readFileSync(join(dir, 'all.yml'), 'utf8');
    rmSync(dir, { recursive: true });
  }
  return encryptedGroupVars;
}

/** A project laid out as an Ansible user has it: ansible.cfg, inventory/, an encrypted group_vars file, a password file. */
function project(cfg: string, hosts: string, playbook: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'betif-cfgvault-'));
  mkdirSync(join(dir, 'inventory', 'group_vars'), { recursive: true });
  writeFileSync(join(dir, 'inventory', 'hosts.ini'), hosts);
  writeFileSync(join(dir, '.vault-pass'), 'project-pass\n');
  writeFileSync(join(dir, 'inventory', 'group_vars', 'all.yml'), groupVarsEncryptedByAnsible());
  writeFileSync(join(dir, 'ansible.cfg'), cfg);
  writeFileSync(join(dir, 'site.yml'), playbook);
  return dir;
}

const LOCAL_PLAYBOOK = `
- hosts: web
  gather_facts: false
  tasks:
    - name: first
      debug: {msg: "the secret is {{ app_secret }}"}
    - name: second
      debug: {msg: second}
      tags: [two]
    - name: third
      fail: {msg: "failing with {{ app_secret }}"}
      when: fail_now | default(false) | bool
`;
const LOCAL_CFG = '[defaults]\ninventory = inventory/hosts.ini\nvault_password_file = .vault-pass ; beside this file\nretry_files_enabled = True\n';
const LOCAL_HOSTS = '[web]\nw1 ansible_connection=local\n';

/** Runs betif-play on a pseudo-terminal (util-linux script), answering each prompt when it appears. */
function onTerminal(args: string[], cwd: string, answers: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    const pending = Object.entries(answers);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      while (pending.length > 0 && output.endsWith(pending[0][0])) child.stdin.write(`${(pending.shift() as [string, string])[1]}\r`);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('ansible.cfg, vault and ansible-playbook options (local connection)', () => {
  test('ansible.cfg gives the inventory and the vault password; the vaulted value is masked on screen and in the log', async () => {
    const dir = project(LOCAL_CFG, LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await betifPlay(['site.yml', '--log-file', 'run.log'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /"msg": "the secret is \*\*\*\*\*\*\*\*"/);
    assert.doesNotMatch(result.stdout + result.stderr + readFileSync(join(dir, 'run.log'), 'utf8'), new RegExp(SECRET));
  });

  test('a failed run writes the retry file as Ansible does', async () => {
    const dir = project(LOCAL_CFG, LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await betifPlay(['site.yml', '-e', 'fail_now=true'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.equal(readFileSync(join(dir, 'site.retry'), 'utf8'), 'w1\n');
    assert.match(result.stdout, /to retry, use: --limit @.*site\.retry/);
    assert.doesNotMatch(result.stdout, new RegExp(SECRET));
  });

  test('a wrong vault password stops the run with the file named, exit 1 for vars files, 4 for group_vars', async () => {
    const dir = project('[defaults]\ninventory = inventory/hosts.ini\n', LOCAL_HOSTS, LOCAL_PLAYBOOK);
    writeFileSync(join(dir, 'wrong'), 'nope\n');
    const result = await betifPlay(['site.yml', '--vault-password-file', 'wrong'], { cwd: dir });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /ERROR! Decryption failed \(no vault secrets were found that could decrypt\) on .*group_vars\/all\.yml: HMAC verification failed: wrong vault password\?/);
    assert.doesNotMatch(result.stdout, /TASK/);
  });

  test('a bad value in ansible.cfg is one error naming the file and line, exit 5', async () => {
    const dir = project('[defaults]\nforks = lots\n', LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await betifPlay(['site.yml'], { cwd: dir });
    assert.equal(result.code, 5);
    assert.match(result.stderr, /^ERROR: Invalid type for configuration option setting: DEFAULT_FORKS \(from .*ansible\.cfg, line 2\)/);
  });

  test('--ask-vault-pass without a terminal fails at once with a clear message', async () => {
    const dir = project('[defaults]\ninventory = inventory/hosts.ini\n', LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await betifPlay(['site.yml', '-J'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot ask "Vault password:": standard input is not a terminal/);
  });

  test('-J, -k and -K ask on the terminal with echo off; the answers are masked secrets', async () => {
    const dir = project('[defaults]\ninventory = inventory/hosts.ini\n', LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await onTerminal(['site.yml', '-J', '-k', '-K'], dir, {
      'Vault password: ': 'project-pass',
      'SSH password: ': 'ssh-pass-1234',
      'BECOME password[defaults to SSH password]: ': '',
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /"msg": "the secret is \*\*\*\*\*\*\*\*"/);
    assert.doesNotMatch(result.output, /project-pass|ssh-pass-1234|vaulted-S3cret/);
  });

  test('--step asks before each task: no skips it, continue runs the rest without asking', async () => {
    const dir = project(LOCAL_CFG, LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await onTerminal(['site.yml', '--step'], dir, {
      'Perform task: TASK: first (N)o/(y)es/(c)ontinue: ': 'n',
      'Perform task: TASK: second (N)o/(y)es/(c)ontinue: ': 'c',
    });
    assert.equal(result.code, 0, result.output);
    assert.doesNotMatch(result.output, /TASK \[first\]/);
    assert.match(result.output, /TASK \[second\]/);
    assert.doesNotMatch(result.output, /TASK: third/);
    const noTerminal = await betifPlay(['site.yml', '--step'], { cwd: dir });
    assert.equal(noTerminal.code, 1);
    assert.match(noTerminal.stderr, /--step needs a terminal/);
  });

  test('roles_path in ansible.cfg is where roles are found', async () => {
    const dir = project(`${LOCAL_CFG}roles_path = shared-roles\n`, LOCAL_HOSTS, '- hosts: web\n  gather_facts: false\n  roles: [greeter]\n');
    mkdirSync(join(dir, 'shared-roles', 'greeter', 'tasks'), { recursive: true });
    writeFileSync(join(dir, 'shared-roles', 'greeter', 'tasks', 'main.yml'), '- debug: {msg: hello from the shared role}\n');
    const result = await betifPlay(['site.yml'], { cwd: dir });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /hello from the shared role/);
  });

  test('-c local and -T apply to hosts whose variables do not say otherwise', async () => {
    const dir = project(LOCAL_CFG, '[web]\nplain-host\n', LOCAL_PLAYBOOK);
    const result = await betifPlay(['site.yml', '-c', 'local', '-T', '5'], { cwd: dir });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(parseRecap(result.stdout)['plain-host'].ok, 2);
  });

  test('--start-at-task, --list-tags and -vvvv', async () => {
    const dir = project(LOCAL_CFG, LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const started = await betifPlay(['site.yml', '--start-at-task', 'sec*', '-vvvv'], { cwd: dir });
    assert.equal(started.code, 0, started.stderr);
    assert.doesNotMatch(started.stdout, /TASK \[first\]/);
    assert.match(started.stdout, /TASK \[second\]/);
    const tags = await betifPlay(['site.yml', '--list-tags'], { cwd: dir });
    assert.equal(tags.code, 0, tags.stderr);
    assert.match(tags.stdout, /TASK TAGS: \[two\]/);
  });

  test('callbacks_enabled = profile_tasks, timer print task times and the total after the recap', async () => {
    const dir = project(`${LOCAL_CFG}callbacks_enabled = profile_tasks, timer\n`, LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const result = await betifPlay(['site.yml'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const afterRecap = result.stdout.slice(result.stdout.indexOf('PLAY RECAP'));
    assert.match(afterRecap, /^first -+ \d+\.\d\ds$/m);
    assert.match(afterRecap, /Playbook run took 0 days, 0 hours, 0 minutes, \d+ seconds/);
  });

  test('gathering = smart with a jsonfile fact cache: facts gathered once, kept between runs, shared with Ansible; --flush-cache', async () => {
    const playbook = '- hosts: web\n  tasks:\n    - debug: {var: ansible_facts.hostname}\n- hosts: web\n  tasks:\n    - debug: {msg: again}\n';
    const dir = project(`${LOCAL_CFG}gathering = smart\nfact_caching = jsonfile\nfact_caching_connection = facts\n`, LOCAL_HOSTS, playbook);
    const first = await betifPlay(['site.yml'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.split('TASK [Gathering Facts]').length - 1, 1);
    const cached = JSON.parse(readFileSync(join(dir, 'facts', 'w1'), 'utf8')) as Record<string, unknown>;
    assert.equal(typeof cached.ansible_hostname, 'string');
    const second = await betifPlay(['site.yml'], { cwd: dir });
    assert.doesNotMatch(second.stdout, /Gathering Facts/);
    assert.match(second.stdout, new RegExp(`"ansible_facts.hostname": "${String(cached.ansible_hostname)}"`));
    const ansible = execFileSync('ansible-playbook', ['site.yml'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.doesNotMatch(ansible, /Gathering Facts/);
    const flushed = await betifPlay(['site.yml', '--flush-cache'], { cwd: dir });
    assert.match(flushed.stdout, /Gathering Facts/);

    // fact_caching_prefix names the files, as for Ansible's jsonfile plugin; both tools read them.
    const prefixed = await betifPlay(['site.yml', '--flush-cache'], { cwd: dir, env: { ANSIBLE_CACHE_PLUGIN_PREFIX: 'prefix_' } });
    assert.equal(prefixed.code, 0, prefixed.stderr);
    assert.ok(existsSync(join(dir, 'facts', 'prefix_w1')));
    const withPrefix = execFileSync('ansible-playbook', ['site.yml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_CACHE_PLUGIN_PREFIX: 'prefix_' }, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.doesNotMatch(withPrefix, /Gathering Facts/);
  });

  test('stdout_callback = yaml prints results as YAML, json as one JSON document; display_ok_hosts = False hides ok lines', async () => {
    const dir = project(LOCAL_CFG, LOCAL_HOSTS, LOCAL_PLAYBOOK);
    const yaml = await betifPlay(['site.yml'], { cwd: dir, env: { ANSIBLE_STDOUT_CALLBACK: 'yaml' } });
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /ok: \[w1\] => \n {2}msg: second\n/);
    const json = await betifPlay(['site.yml'], { cwd: dir, env: { ANSIBLE_STDOUT_CALLBACK: 'json' } });
    assert.equal((JSON.parse(json.stdout) as { stats: Record<string, { ok: number }> }).stats.w1.ok, 2);
    const quiet = await betifPlay(['site.yml'], { cwd: dir, env: { ANSIBLE_DISPLAY_OK_HOSTS: 'false' } });
    assert.doesNotMatch(quiet.stdout, /ok: \[w1\]|TASK \[first\]/);
    assert.match(quiet.stdout, /w1 +: ok=2/);
  });

  test('betif-play vault: files and strings each tool reads from the other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betif-vaultcli-'));
    writeFileSync(join(dir, 'pass'), 'pw\n');
    writeFileSync(join(dir, 'a.yml'), 'key: value\n');
    const encrypted = await betifPlay(['vault', 'encrypt', '--vault-id', 'lab@pass', 'a.yml'], { cwd: dir });
    assert.equal(encrypted.code, 0, encrypted.stderr);
    assert.match(encrypted.stderr, /Encryption successful/);
    assert.equal(ansibleVault(['view', '--vault-id', 'lab@pass', 'a.yml'], dir), 'key: value\n');
    assert.equal((await betifPlay(['vault', 'rekey', '--vault-password-file', 'pass', '--new-vault-id', `new@${join(dir, 'pass')}`, 'a.yml'], { cwd: dir })).code, 0);
    assert.match(readFileSync(join(dir, 'a.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;new\n/);
    writeFileSync(join(dir, 'b.txt'), 'from ansible\n');
    ansibleVault(['encrypt', '--vault-password-file', 'pass', 'b.txt'], dir);
    const viewed = await betifPlay(['vault', 'view', '--vault-password-file', 'pass', 'b.txt'], { cwd: dir });
    assert.equal(viewed.stdout, 'from ansible\n');
    const string = await betifPlay(['vault', 'encrypt_string', '--vault-password-file', 'pass', '--name', 'token', 'abc123'], { cwd: dir });
    assert.match(string.stdout, /^token: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n/);
    writeFileSync(join(dir, 'vars.yml'), string.stdout);
    assert.match(execFileSync('ansible', ['localhost', '-m', 'debug', '-a', 'var=token', '-e', '@vars.yml', '--vault-password-file', 'pass'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), /"token": "abc123"/);
    const edited = await betifPlay(['vault', 'edit', '--vault-password-file', 'pass', 'b.txt'], { cwd: dir, env: { EDITOR: `sed -i s/ansible/betif/` } });
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(ansibleVault(['view', '--vault-password-file', 'pass', 'b.txt'], dir), 'from betif\n');
    const wrong = await betifPlay(['vault', 'view', '--vault-password-file', 'a.yml', 'b.txt'], { cwd: dir });
    assert.equal(wrong.code, 1);
  });
});

describe('ansible.cfg over real SSH with a vault-encrypted group_vars file', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab(1, { basePort: labPort(2795), dir: join(tmpdir(), 'betif-lab-cfgvault') });
  });
  after(async () => {
    await lab?.stop();
  });

  test('inventory, remote_user, private_key_file and host_key_checking come from ansible.cfg; the secret reaches the host only', async () => {
    const [host] = lab.hosts;
    const cfg = `[defaults]\ninventory = inventory/hosts.ini\nremote_user = root\nprivate_key_file = ${lab.keyPath}\nhost_key_checking = False\nvault_password_file = .vault-pass\n`;
    const playbook = `
- hosts: all
  tasks:
    - name: write the secret
      copy: {dest: /srv/app.secret, content: "{{ app_secret }}\\n", mode: '0600'}
    - name: show it
      debug: {var: app_secret}
`;
    const dir = project(cfg, `h1 ansible_host=127.0.0.1 ansible_port=${host.port}\n`, playbook);
    const result = await betifPlay(['site.yml', '--log-file', 'run.log', '--diff', '-v'], { cwd: dir, env: { HOME: dir } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(parseRecap(result.stdout).h1, { ok: 3, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    assert.equal(readFileSync(join(host.root, 'srv', 'app.secret'), 'utf8'), `${SECRET}\n`);
    const everything = result.stdout + result.stderr + readFileSync(join(dir, 'run.log'), 'utf8');
    assert.doesNotMatch(everything, new RegExp(SECRET));
    assert.ok(!existsSync(join(dir, '.ssh', 'known_hosts')) || !readFileSync(join(dir, '.ssh', 'known_hosts'), 'utf8').includes(SECRET));
  });

  test('remote_port in ansible.cfg, and the port keyword over it, give the port of a host without ansible_port', async () => {
    const [host] = lab.hosts;
    const cfg = `[defaults]\ninventory = inventory/hosts.ini\nremote_user = root\nprivate_key_file = ${lab.keyPath}\nhost_key_checking = False\nvault_password_file = .vault-pass\nremote_port = ${host.port}\n`;
    const playbook = `
- hosts: all
  gather_facts: false
  tasks:
    - command: hostname
      register: name
    - debug: {msg: "{{ name.stdout }}"}
- hosts: all
  gather_facts: false
  port: 1
  tasks:
    - command: hostname
      ignore_unreachable: true
    - command: hostname
      port: "{{ ${host.port} }}"
`;
    const dir = project(cfg, 'h1 ansible_host=127.0.0.1\n', playbook);
    const result = await betifPlay(['site.yml'], { cwd: dir, env: { HOME: dir } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /"msg": "h1"/);
    assert.match(result.stdout, /fatal: \[h1\]: UNREACHABLE! => .*port 1: Connection refused/);
    assert.deepEqual(parseRecap(result.stdout).h1, { ok: 4, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
  });
});
