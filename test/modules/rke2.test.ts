import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { SshConnection } from '../../src/connection/ssh.js';
import { ArgumentError } from '../../src/modules/args.js';
import rke2 from '../../src/modules/kube/rke2.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { installKubeStandIns, RKE2_INSTALLER } from '../helpers/kube-standins.js';
import { labSettings, labPort, startLab, type Lab, type LabHost } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const VERSION = 'v1.30.4+rke2r1';
const TOKEN = /^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/;

function connect(lab: Lab, host: LabHost): SshConnection {
  return new SshConnection(labSettings(lab, host));
}

const read = (host: LabHost, path: string): string => readFileSync(join(host.root, path), 'utf8');
const modeOf = (host: LabHost, path: string): number => statSync(join(host.root, path)).mode & 0o777;
const journal = (host: LabHost): string[] => (existsSync(join(host.root, 'var/lib/lab-systemd/journal')) ? read(host, 'var/lib/lab-systemd/journal').trim().split('\n') : []);

const PLAYBOOK = (repo: string): string => `
- name: rke2 server
  hosts: h3
  gather_facts: false
  tasks:
    - name: install the server
      rke2:
        role: server
        install_script: ${RKE2_INSTALLER}
        version: ${VERSION}
        config:
          write-kubeconfig-mode: "0600"
          tls-san: [h3.lab.test]
      register: rke2_server
    - name: show the registered token
      debug:
        var: rke2_server.token

- name: rke2 agent
  hosts: h4
  gather_facts: false
  tasks:
    - name: join the server
      rke2:
        role: agent
        install_script: ${RKE2_INSTALLER}
        version: ${VERSION}
        config:
          server: https://h3.lab.test:9345
          token: "{{ hostvars['h3'].rke2_server.token }}"

- name: workloads
  hosts: h3
  gather_facts: false
  vars:
    kubeconfig: /etc/rancher/rke2/rke2.yaml
  tasks:
    - name: chart repository
      helm_repository: {name: lab, url: "${repo}"}
    - name: hello release
      helm_release:
        name: hello
        chart: lab/hello
        version: 0.1.0
        namespace: apps
        create_namespace: true
        values: {replicas: 2}
        kubeconfig: "{{ kubeconfig }}"
    - name: settings
      kube_apply:
        kubeconfig: "{{ kubeconfig }}"
        definition:
          - {apiVersion: v1, kind: Namespace, metadata: {name: storage}}
          - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: storage}, data: {mode: fast}}
    - name: local-path manifests
      kube_apply:
        kubeconfig: "{{ kubeconfig }}"
        src: ${repo}/local-path.yaml
`;

/** A chart repository with hello 0.1.0, and the local-path manifest, over http (the lab hosts share this network). */
async function serveRepository(): Promise<{ server: Server; url: string }> {
  const root = scratchDir('betif-rke2-repo-');
  mkdirSync(join(root, 'src', 'hello'), { recursive: true });
  writeFileSync(join(root, 'src', 'hello', 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: "1.0"\n');
  writeFileSync(join(root, 'src', 'hello', 'values.yaml'), 'replicas: 1\n');
  execFileSync('tar', ['-czf', join(root, 'hello-0.1.0.tgz'), '-C', join(root, 'src'), 'hello']);
  writeFileSync(join(root, 'index.yaml'), 'apiVersion: v1\nentries:\n  hello:\n    - {name: hello, version: 0.1.0, appVersion: "1.0", urls: [hello-0.1.0.tgz]}\n');
  writeFileSync(join(root, 'local-path.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: local-path-storage}\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-path}\nprovisioner: rancher.io/local-path\n');
  const server = createServer((request, response) => {
    const file = join(root, request.url ?? '/');
    if (request.url === '/' || !existsSync(file)) return void response.writeHead(404).end();
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('rke2', () => {
  let lab: Lab;
  let server: SshConnection;
  let agent: SshConnection;
  let h1: LabHost;
  let h2: LabHost;

  before(async () => {
    lab = await startLab(4, { basePort: labPort(2744), dir: join(tmpdir(), 'betif-lab-rke2') });
    lab.hosts.forEach(installKubeStandIns);
    [h1, h2] = lab.hosts;
    server = connect(lab, h1);
    agent = connect(lab, h2);
  });

  after(async () => {
    await server?.close();
    await agent?.close();
    await lab?.stop();
  });

  const serverArgs = (config: Record<string, unknown> = { 'write-kubeconfig-mode': '0640', 'tls-san': ['h1.lab.test'] }, version = VERSION) => ({
    role: 'server',
    install_script: RKE2_INSTALLER,
    version,
    config,
  });

  test('installs, configures and starts a server, returning its join token (with a stand-in)', async () => {
    const first = await runModule(rke2, serverArgs(), { connection: server });
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.equal(first.result.version, VERSION);
    assert.match(String(first.result.token), TOKEN);
    assert.match(String(first.result.kubeconfig), /server: https:\/\/127\.0\.0\.1:6443/);
    assert.deepEqual(first.diff, [
      { before: '', after: `rke2 ${VERSION}\n`, beforeHeader: 'rke2 version' },
      { before: '', after: 'write-kubeconfig-mode: "0640"\ntls-san:\n  - h1.lab.test\n', beforeHeader: '/etc/rancher/rke2/config.yaml' },
    ]);
    // /usr/local is read-only on lab hosts: the installer falls back to /opt/rke2, as the real one does.
    assert.match(read(h1, 'etc/systemd/system/rke2-server.service'), /^ExecStart=\/opt\/rke2\/bin\/rke2 server$/m);
    assert.equal(read(h1, 'etc/rancher/rke2/config.yaml'), 'write-kubeconfig-mode: "0640"\ntls-san:\n  - h1.lab.test\n');
    assert.equal(modeOf(h1, 'etc/rancher/rke2/config.yaml'), 0o600);
    assert.equal(modeOf(h1, 'etc/rancher/rke2/rke2.yaml'), 0o640);
    assert.equal(read(h1, 'var/lib/rancher/rke2/server/token').trim(), first.result.token);
    assert.deepEqual(journal(h1), ['daemon-reload', 'enable rke2-server.service', 'start rke2-server.service']);

    const second = await runModule(rke2, serverArgs(), { connection: server });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.token, first.result.token);
    assert.equal(journal(h1).length, 3);
  });

  test('check mode changes nothing; a config change restarts, a mode drift only rewrites (with a stand-in)', async () => {
    const changed = serverArgs({ 'write-kubeconfig-mode': '0640', 'tls-san': ['h1.lab.test', 'api.lab.test'] });
    const check = await runModule(rke2, changed, { connection: server, check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(check.diff, [
      {
        before: 'write-kubeconfig-mode: "0640"\ntls-san:\n  - h1.lab.test\n',
        after: 'write-kubeconfig-mode: "0640"\ntls-san:\n  - h1.lab.test\n  - api.lab.test\n',
        beforeHeader: '/etc/rancher/rke2/config.yaml',
      },
    ]);
    assert.doesNotMatch(read(h1, 'etc/rancher/rke2/config.yaml'), /api\.lab\.test/);
    assert.equal(journal(h1).length, 3);

    const applied = await runModule(rke2, changed, { connection: server });
    assert.equal(applied.result.changed, true);
    assert.match(read(h1, 'etc/rancher/rke2/config.yaml'), /api\.lab\.test/);
    assert.equal(journal(h1).at(-1), 'restart rke2-server.service');

    chmodSync(join(h1.root, 'etc/rancher/rke2/config.yaml'), 0o644);
    const drift = await runModule(rke2, changed, { connection: server });
    assert.equal(drift.result.changed, true);
    assert.equal(modeOf(h1, 'etc/rancher/rke2/config.yaml'), 0o600);
    assert.equal(journal(h1).length, 4);
  });

  test('a new version reinstalls and restarts; stopped stops the unit (with a stand-in)', async () => {
    const config = { 'write-kubeconfig-mode': '0640', 'tls-san': ['h1.lab.test', 'api.lab.test'] };
    const upgraded = await runModule(rke2, serverArgs(config, 'v1.31.0+rke2r1'), { connection: server });
    assert.equal(upgraded.result.changed, true);
    assert.deepEqual(upgraded.diff, [{ before: `rke2 ${VERSION}\n`, after: 'rke2 v1.31.0+rke2r1\n', beforeHeader: 'rke2 version' }]);
    assert.equal(upgraded.result.version, 'v1.31.0+rke2r1');
    assert.equal(journal(h1).at(-1), 'restart rke2-server.service');
    const channel = await runModule(rke2, { role: 'server', install_script: RKE2_INSTALLER, channel: 'v1.31', config }, { connection: server });
    assert.equal(channel.result.changed, false);

    const stopped = await runModule(rke2, { ...serverArgs(config, 'v1.31.0+rke2r1'), state: 'stopped' }, { connection: server });
    assert.equal(stopped.result.changed, true);
    assert.equal(journal(h1).at(-1), 'stop rke2-server.service');
    assert.equal((await runModule(rke2, { ...serverArgs(config, 'v1.31.0+rke2r1'), state: 'stopped' }, { connection: server })).result.changed, false);
  });

  test('an agent needs the server\'s token, which never shows in the diff (with a stand-in)', async () => {
    const token = read(h1, 'var/lib/rancher/rke2/server/token').trim();
    const base = { role: 'agent', install_script: RKE2_INSTALLER, version: VERSION };
    const lonely = await runModule(rke2, { ...base, config: { server: 'https://h1.lab.test:9345' } }, { connection: agent });
    assert.equal(lonely.result.failed, true);
    assert.match(String(lonely.result.msg), /^rke2-agent is inactive after start \(see: journalctl -u rke2-agent\)/);
    assert.match(read(h2, 'var/lib/lab-systemd/logs/rke2-agent.service.log'), /--token is required/);

    const joined = await runModule(rke2, { ...base, config: { server: 'https://h1.lab.test:9345', token } }, { connection: agent });
    assert.equal(joined.result.changed, true);
    assert.equal(joined.result.token, undefined);
    assert.deepEqual(joined.diff, [{ before: 'server: https://h1.lab.test:9345\n', after: 'server: https://h1.lab.test:9345\ntoken: "********"\n', beforeHeader: '/etc/rancher/rke2/config.yaml' }]);
    assert.equal(read(h2, 'var/lib/rancher/rke2/agent/server-url'), 'https://h1.lab.test:9345\n');
    assert.equal(journal(h2).at(-1), 'start rke2-agent.service');
    assert.equal((await runModule(rke2, { ...base, config: { server: 'https://h1.lab.test:9345', token } }, { connection: agent })).result.changed, false);
  });

  test('state absent runs the uninstaller once (with a stand-in)', async () => {
    const removed = await runModule(rke2, { role: 'agent', state: 'absent' }, { connection: agent });
    assert.equal(removed.result.changed, true);
    assert.equal(existsSync(join(h2.root, 'opt/rke2/bin/rke2')), false);
    assert.equal(existsSync(join(h2.root, 'etc/rancher/rke2')), false);
    assert.equal(existsSync(join(h2.root, 'etc/systemd/system/rke2-agent.service')), false);
    assert.equal((await runModule(rke2, { role: 'agent', state: 'absent' }, { connection: agent })).result.changed, false);
  });

  test('an install script path carrying shell syntax is data, never run (with a stand-in)', async () => {
    const { result } = await runModule(rke2, { role: 'agent', install_script: '/opt/lab/x; touch /tmp/pwned-rke2' }, { connection: agent });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'the rke2 installer failed: install script /opt/lab/x; touch /tmp/pwned-rke2 not found on the target');
    assert.equal(existsSync(join(h2.root, 'tmp/pwned-rke2')), false);
    assert.equal(existsSync('/tmp/pwned-rke2'), false);
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(rke2, { role: 'server', confg: {} }), (error: Error) => error instanceof ArgumentError && /unsupported argument 'confg' for module 'rke2' \(did you mean 'config'\?\)/.test(error.message));
    await assert.rejects(runModule(rke2, { role: 'server', config: 'token: x' }), /argument 'config' must be object/);
    await assert.rejects(runModule(rke2, { role: 'worker' }), /argument 'role' must be one of: server, agent/);
    await assert.rejects(runModule(rke2, { timeout: 'soon' }), /argument 'timeout' must be integer/);
  });

  test('a playbook over SSH: server, agent joining with the registered token, helm and manifests (with a stand-in)', async () => {
    const { server: http, url } = await serveRepository();
    try {
      const work = scratchDir('betif-rke2-play-');
      writeFileSync(join(work, 'site.yml'), PLAYBOOK(url));
      const log = join(work, 'run.log');
      const base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--diff', '-v', '--log-file', log];
      const [, , h3, h4] = lab.hosts;

      const first = await betifPlay(base);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      const token = read(h3, 'var/lib/rancher/rke2/server/token').trim();
      assert.match(token, TOKEN);
      const recap = parseRecap(first.stdout);
      assert.equal(recap.h3.changed, 5, first.stdout);
      assert.equal(recap.h4.changed, 1, first.stdout);
      assert.match(read(h4, 'etc/rancher/rke2/config.yaml'), new RegExp(`^token: ${token.replace(/[+]/g, '\\+')}$`, 'm'));
      assert.equal(JSON.parse(read(h3, 'var/lib/helm-standin/releases/apps/hello.json')).at(-1).config.replicas, 2);
      assert.equal(existsSync(join(h3.root, 'var/lib/kubectl-standin/objects/configmap/storage/settings.json')), true);
      assert.equal(existsSync(join(h3.root, 'var/lib/kubectl-standin/objects/storageclass.storage.k8s.io/_cluster/local-path.json')), true);
      for (const text of [first.stdout, first.stderr, readFileSync(log, 'utf8')]) assert.equal(text.includes(token), false, 'the join token leaked into the output');

      const second = await betifPlay(base);
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.deepEqual([parseRecap(second.stdout).h3.changed, parseRecap(second.stdout).h4.changed], [0, 0], second.stdout);
      assert.equal(second.stdout.includes(token) || second.stderr.includes(token), false, 'the join token leaked into the output');

      const configs = [read(h3, 'etc/rancher/rke2/config.yaml'), read(h4, 'etc/rancher/rke2/config.yaml')];
      const check = await betifPlay([...base, '--check']);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.deepEqual([parseRecap(check.stdout).h3.changed, parseRecap(check.stdout).h4.changed], [0, 0], check.stdout);
      assert.deepEqual([read(h3, 'etc/rancher/rke2/config.yaml'), read(h4, 'etc/rancher/rke2/config.yaml')], configs);
    } finally {
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
