import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { SshConnection } from '../../src/connection/ssh.js';
import { BIN, parseRecap, type CliRun } from '../helpers/cli.js';
import { installKubeStandIns, RKE2_INSTALLER } from '../helpers/kube-standins.js';
import { labPort, labSettings, startLab, type Lab } from '../helpers/lab.js';

/*
 * Known secret values planted in every way a playbook meets secrets (no_log, vault inline and file, become and SSH
 * passwords, an RKE2 join token, helm secret_values), used in arguments, templates, diffs, registered results,
 * debug of whole hostvars entries, failures and error messages; then every output is searched for each value.
 * The lab hosts share the controller's process table (they are chroots with their own mount namespace), so one
 * process list (/proc) sampled on the controller during the runs shows the controller's and the hosts' processes.
 */


const NOLOG = 'nolog-Zq81-secret';
const VAULT_INLINE = 'vault-inline-Kp42-secret';
const VAULT_FILE = 'vault-file-Wd93-secret';
const BECOME_PASS = 'become-Hx55-secret';
const SSH_PASS = 'sshpass-Tm67-secret';
const HELM_SECRET = 'helm-Rb29-secret';
const VAULT_PASSWORD = 'vault-password-Ls08-secret';

let lab: Lab;
let work: string;
let server: Server;
let repo: string;

/** A chart repository with hello 0.1.0 over http (the lab hosts share this network). */
async function serveRepository(): Promise<void> {
  const root = join(work, 'repo');
  mkdirSync(join(root, 'src', 'hello'), { recursive: true });
  writeFileSync(join(root, 'src', 'hello', 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: "1.0"\n');
  writeFileSync(join(root, 'src', 'hello', 'values.yaml'), 'replicas: 1\n');
  execFileSync('tar', ['-czf', join(root, 'hello-0.1.0.tgz'), '-C', join(root, 'src'), 'hello']);
  writeFileSync(join(root, 'index.yaml'), 'apiVersion: v1\nentries:\n  hello:\n    - {name: hello, version: 0.1.0, appVersion: "1.0", urls: [hello-0.1.0.tgz]}\n');
  server = createServer((request, response) => {
    const file = join(root, request.url ?? '/');
    if (request.url === '/' || !existsSync(file)) return void response.writeHead(404).end();
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function betif(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, NO_COLOR: '1', HOME: join(work, 'home'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Every process's command line, as `ps -eo args` shows it (read from /proc here: a tenth of the cost of running ps). */
function processList(): string[] {
  const lines: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim());
    } catch {
      // The process ended while we looked.
    }
  }
  return lines;
}

/** The process list, again and again (every few milliseconds) until stopped: every command line seen meanwhile. */
function sampleProcessList(): { stop: () => Promise<string> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const line of processList()) seen.add(line);
      await delay(10);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return [...seen].join('\n');
    },
  };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

const PLAYBOOK = (vaultInline: string): string => `
- name: secrets in every place
  hosts: h1:h2
  gather_facts: false
  vars_files: [secrets.vault.yml]
  vars:
${vaultInline.replace(/^/gm, '    ')}
    nolog_value: ${NOLOG}
  tasks:
    - name: a no_log copy
      copy: {dest: "/srv/leak/nolog-{{ inventory_hostname }}.txt", content: "{{ nolog_value }}\\n", mode: "0600"}
      no_log: true
    - name: a no_log command whose result holds the secret
      command: cat
      args: {stdin: "{{ nolog_value }}"}
      register: nolog_out
      no_log: true
    - name: a template with every secret (diffed)
      template: {src: app.conf.j2, dest: "/srv/leak/app-{{ inventory_hostname }}.conf", mode: "0600"}
    - name: a copy of vault values (diffed)
      copy: {dest: "/srv/leak/vault-{{ inventory_hostname }}.txt", content: "{{ vault_inline }} {{ vault_file_value }} {{ run_id }}\\n", mode: "0600"}
    - name: slow while the process list is sampled, the secret on stdin
      shell: "cat > /dev/null; sleep 2"
      args: {stdin: "{{ vault_file_value }}"}
    - name: a cacheable fact holding a secret
      set_fact: {db_password: "{{ vault_file_value }}", cacheable: true}
    - name: a registered result holding a vault value
      command: cat
      args: {stdin: "{{ vault_inline }}"}
      register: plain_out
    - name: the whole hostvars entry
      debug: {var: "hostvars[inventory_hostname]"}
    - name: every secret in a message
      debug: {msg: "{{ vault_inline }} {{ vault_file_value }} {{ nolog_out.stdout }} {{ ansible_become_password | default('') }} {{ ansible_password | default('') }}"}
    - name: a failing command whose error holds a secret
      shell: "cat >&2; exit 3"
      args: {stdin: "{{ vault_inline }}"}
      ignore_errors: true
    - name: a failing assertion naming a secret
      assert: {that: ["vault_file_value == 'other'"], fail_msg: "wrong {{ vault_file_value }}"}
      ignore_errors: true
    - name: a failure that ends h2
      fail: {msg: "giving up with {{ vault_inline }}"}
      when: inventory_hostname == 'h2'

- name: rke2 and helm
  hosts: h3
  gather_facts: true
  tasks:
    - name: rke2 server
      rke2: {role: server, install_script: ${RKE2_INSTALLER}, version: v1.30.4+rke2r1, config: {write-kubeconfig-mode: "0600"}}
      register: rke2_server
    - name: the token
      debug: {var: rke2_server.token}
    - name: chart repository
      helm_repository: {name: lab, url: "${repo}"}
    - name: a release with secret values
      helm_release:
        name: hello
        chart: lab/hello
        version: 0.1.0
        namespace: apps
        create_namespace: true
        values: {replicas: 2}
        secret_values: {auth: {password: ${HELM_SECRET}}}
        kubeconfig: /etc/rancher/rke2/rke2.yaml
      register: release
    - name: the release result
      debug: {var: release}
    - name: the other hosts' hostvars (become and SSH passwords, the no_log result)
      debug: {msg: "{{ hostvars['h1'] }} {{ hostvars['h2'] }} {{ hostvars['h3'] }}"}
`;

before(async () => {
  lab = await startLab(3, { basePort: labPort(3095), dir: join(tmpdir(), 'betif-lab-secrets') });
  work = mkdtempSync(join(tmpdir(), 'betif-secrets-'));
  mkdirSync(join(work, 'home'));
  lab.hosts.forEach(installKubeStandIns);
  await serveRepository();
  const root = new SshConnection(labSettings(lab, lab.hosts[0]));
  const second = new SshConnection(labSettings(lab, lab.hosts[1]));
  try {
    const setup = (password: string, user: string, sudo: boolean): string => [
      'set -e',
      `id ${user} >/dev/null 2>&1 || useradd -m -s /bin/sh ${user}`,
      `chpasswd <<'EOF'\n${user}:${password}\nEOF`,
      ...(sudo ? [`printf 'Defaults:${user} passwd_tries=1\\n${user} ALL=(ALL) ALL\\n' > /etc/sudoers.d/${user}`, `chmod 440 /etc/sudoers.d/${user}`] : []),
      'mkdir -p /srv/leak && chmod 1777 /srv/leak',
      '',
    ].join('\n');
    // The password reaches chpasswd on stdin of the shell text: never in a process's arguments.
    const one = await root.exec(['sh', '-s'], { stdin: setup(BECOME_PASS, 'builder', true) });
    assert.equal(one.rc, 0, one.stderr);
    const two = await second.exec(['sh', '-s'], { stdin: setup(SSH_PASS, 'deploy', false) });
    assert.equal(two.rc, 0, two.stderr);
  } finally {
    await root.close();
    await second.close();
  }
  writeFileSync(join(work, 'vault-pass'), `${VAULT_PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(join(work, 'secrets.vault.yml'), `vault_file_value: ${VAULT_FILE}\n`);
  execFileSync(process.execPath, [BIN, 'vault', 'encrypt', '--vault-password-file', join(work, 'vault-pass'), join(work, 'secrets.vault.yml')]);
  writeFileSync(join(work, 'app.conf.j2'), 'run={{ run_id }}\ninline={{ vault_inline }}\nfile={{ vault_file_value }}\nnolog={{ nolog_value }}\n');
  const [h1, h2, h3] = lab.hosts;
  writeFileSync(join(work, 'inventory.ini'), [
    `h1 ansible_host=127.0.0.1 ansible_port=${h1.port} ansible_user=builder ansible_ssh_private_key_file=${lab.keyPath} ansible_become=true ansible_become_password=${BECOME_PASS}`,
    `h2 ansible_host=127.0.0.1 ansible_port=${h2.port} ansible_user=deploy ansible_password=${SSH_PASS}`,
    `h3 ansible_host=127.0.0.1 ansible_port=${h3.port} ansible_user=root ansible_ssh_private_key_file=${lab.keyPath}`,
    '',
  ].join('\n'));
});

after(async () => {
  server?.close();
  await lab?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('no secret leaves the process', () => {
  test('every output, file and process list is free of every planted secret, at -v to -vvvv, with --json, --diff, the log, JUnit, report, fact cache and retry file', async () => {
    const inline = execFileSync(process.execPath, [BIN, 'vault', 'encrypt_string', '--vault-password-file', join(work, 'vault-pass'), '--name', 'vault_inline', VAULT_INLINE], { encoding: 'utf8' });
    writeFileSync(join(work, 'site.yml'), PLAYBOOK(inline.trim()));
    const outputs: { where: string; text: string }[] = [];
    const privateFiles: string[] = [];
    const processes = sampleProcessList();
    const runs: CliRun[] = [];
    try {
      for (const [index, verbosity] of ['-v', '-vv', '-vvv', '-vvvv'].entries()) {
        const name = `run${index + 1}`;
        const files = { log: join(work, `${name}.log`), junit: join(work, `${name}.xml`), report: join(work, `${name}.html`) };
        // A file already there with a wide mode is still narrowed before the first byte of this run is written.
        writeFileSync(files.junit, '', { mode: 0o644 });
        chmodSync(files.junit, 0o644);
        const args = ['site.yml', '-i', 'inventory.ini', '--known-hosts', lab.knownHostsPath, '--vault-password-file', 'vault-pass', verbosity, '--diff',
          '--log-file', files.log, '--junit', files.junit, '--report', files.report, '-e', `run_id=${name}`, ...(index === 3 ? ['--json'] : [])];
        const run = await betif(args, {
          ANSIBLE_CACHE_PLUGIN: 'jsonfile',
          ANSIBLE_CACHE_PLUGIN_CONNECTION: join(work, 'facts'),
          ANSIBLE_RETRY_FILES_ENABLED: '1',
          ANSIBLE_RETRY_FILES_SAVE_PATH: join(work, 'retry'),
        });
        runs.push(run);
        assert.equal(run.code, 2, run.stdout + run.stderr);
        outputs.push({ where: `${name} ${verbosity} terminal`, text: run.stdout + run.stderr });
        for (const [kind, path] of Object.entries(files)) {
          outputs.push({ where: `${name} ${kind}`, text: readFileSync(path, 'utf8') });
          privateFiles.push(path);
        }
      }
    } finally {
      outputs.push({ where: 'process list', text: await processes.stop() });
    }
    for (const run of runs) {
      if (!run.stdout.trimStart().startsWith('{')) {
        const recap = parseRecap(run.stdout);
        assert.equal(recap.h2.failed, 1, run.stdout);
        assert.deepEqual([recap.h1.failed, recap.h1.unreachable, recap.h3.failed, recap.h3.unreachable], [0, 0, 0, 0], run.stdout);
      }
    }
    // The planted values were really used: they reached the hosts.
    const [h1, h2, h3] = lab.hosts;
    assert.equal(readFileSync(join(h1.root, 'srv/leak/nolog-h1.txt'), 'utf8'), `${NOLOG}\n`);
    assert.match(readFileSync(join(h2.root, 'srv/leak/app-h2.conf'), 'utf8'), new RegExp(`inline=${VAULT_INLINE}\nfile=${VAULT_FILE}\n`));
    const token = readFileSync(join(h3.root, 'var/lib/rancher/rke2/server/token'), 'utf8').trim();
    assert.match(token, /^K10/);
    for (const file of filesUnder(join(work, 'facts'))) {
      outputs.push({ where: `fact cache ${file}`, text: readFileSync(file, 'utf8') });
      privateFiles.push(file);
    }
    assert.ok(filesUnder(join(work, 'facts')).length > 0, 'the fact cache was written');
    const retry = filesUnder(join(work, 'retry'));
    assert.equal(retry.length, 1);
    outputs.push({ where: 'retry file', text: readFileSync(retry[0], 'utf8') });
    // Temporary files left on the hosts: none at all, and no secret anywhere but in the files the play wrote.
    for (const host of lab.hosts) {
      for (const dir of ['tmp', 'var/tmp', 'root', 'home']) {
        for (const file of filesUnder(join(host.root, dir))) {
          assert.ok(!/\/\.betif\.|\/tmp\.[^/]*\//.test(file), `a temporary file is left: ${file}`);
          outputs.push({ where: `${host.name} ${file}`, text: readFileSync(file, 'latin1') });
        }
      }
    }

    const secrets = { NOLOG, VAULT_INLINE, VAULT_FILE, BECOME_PASS, SSH_PASS, HELM_SECRET, VAULT_PASSWORD, RKE2_TOKEN: token };
    const leaks: string[] = [];
    for (const { where, text } of outputs) {
      for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) leaks.push(`${name} in ${where}`);
    }
    assert.deepEqual(leaks, []);
    // The secrets were there to find: the outputs show their masks.
    assert.ok(outputs[0].text.includes('********'));

    for (const file of privateFiles) assert.equal(statSync(file).mode & 0o777, 0o600, file);
  });
});
