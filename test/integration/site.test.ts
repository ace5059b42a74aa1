import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { betifPlay, changedTasks, parseRecap, type CliRun } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BASE_PORT = labPort(2501);
const MIRROR_PORT = labPort(2510);
/** inventory/lab serves the demo on 2551-2556 and its mirror on 2560; this test's lab sits on its own ports. */
const LAB_INVENTORY_PORTS = { base: 2551, mirror: 2560 };
/** The lab inventory's chart secrets are in its vault file, under this test-only password. */
const VAULT_PASSWORD_FILE = join(REPO, 'test/lab/site/vault-pass');
const LAYOUT = ['hypervisor:h1', 'master:h2', 'worker:h3', 'worker:h4', 'gpu:h5', 'worker:h6', 'nfs:h7'];
const NODES: Record<string, { host: string; memory: number; vcpus: number; labels: string[] }> = {
  master: { host: 'h2', memory: 2048, vcpus: 2, labels: [] },
  worker1: { host: 'h3', memory: 2048, vcpus: 2, labels: ['betif-difaet/role=worker'] },
  worker2: { host: 'h4', memory: 2048, vcpus: 2, labels: ['betif-difaet/role=worker'] },
  'gpu-worker1': { host: 'h5', memory: 4096, vcpus: 4, labels: ['betif-difaet/role=gpu-worker', 'nvidia.com/gpu.present=true'] },
};
const VFIO_RULE = 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:01:00.0", DRIVER=="", ATTR{driver_override}="vfio-pci"\n';

/**
 * What a run may change without changing the host: sshd and daemon logs, caches (the remote user's ~/.ansible/tmp
 * holds the python facts, as Ansible leaves its temporary folder there), dnf's logs, sqlite's shared memory, runtime files.
 */
const VOLATILE = [/^[^/]+\/(run|tmp)\//, /\/var\/cache\//, /\/\.cache\//, /\/\.ansible\/tmp\//, /\/var\/log\/(betif-sshd|lab-libvirtd|lab-mirror)\.log$/, /\/var\/log\/(dnf|hawkey)[^/]*$/, /-shm$/];

/** Every file of the lab hosts (content, mode, owner), and libvirt's domains and networks (definitions and states). */
async function snapshot(lab: Lab, hosts = lab.hosts.map((host) => host.name)): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = (root: string, dir: string, host: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const key = `${host}/${relative(root, path)}`;
      const info = lstatSync(path);
      if (VOLATILE.some((pattern) => pattern.test(key))) continue;
      if (info.isDirectory()) walk(root, path, host);
      else {
        const content = info.isFile() ? createHash('sha1').update(readFileSync(path)).digest('hex') : info.isSymbolicLink() ? 'link' : 'special';
        files.set(key, `${info.mode.toString(8)} ${info.uid}:${info.gid} ${content}`);
      }
    }
  };
  for (const host of lab.hosts.filter((candidate) => hosts.includes(candidate.name))) walk(host.root, host.root, host.name);
  const [domainNames, networkNames] = (await virshEach(lab, ['list --all --name', 'net-list --all --name'])).map((names) => names.split('\n').filter(Boolean));
  const [domains, networks, ...definitions] = await virshEach(lab, [
    'list --all',
    'net-list --all',
    ...domainNames.map((name) => `dumpxml --inactive ${name}`),
    ...networkNames.map((name) => `net-dumpxml ${name}`),
  ]);
  files.set('libvirt/domains', domains);
  files.set('libvirt/networks', networks);
  [...domainNames, ...networkNames].forEach((name, index) => files.set(`libvirt/${name}`, definitions[index]));
  return files;
}

function libvirtUri(lab: Lab): string {
  return `test+unix:///default?socket=${join(lab.hosts[0].root, 'var/lib/lab-libvirt/libvirt-sock')}`;
}

async function virsh(lab: Lab, ...args: string[]): Promise<string> {
  return (await run('virsh', ['-c', libvirtUri(lab), ...args])).stdout.trim();
}

/** The outputs of several virsh commands (names without spaces), run by one virsh process: its `command ; command` form. */
async function virshEach(lab: Lab, commands: string[]): Promise<string[]> {
  const end = '@@betif-virsh-output-end@@';
  return (await virsh(lab, commands.join(` ; echo ${end} ; `))).split(end).map((output) => output.trim());
}

async function onHost(lab: Lab, host: string, command: string): Promise<string> {
  return (await run('ssh', ['-F', join(lab.dir, 'ssh_config'), host, command])).stdout;
}

function hostFile(lab: Lab, host: string, path: string): string {
  return readFileSync(join(lab.dir, 'hosts', host, 'root', path), 'utf8');
}

function modeOf(lab: Lab, host: string, path: string): string {
  return (statSync(join(lab.dir, 'hosts', host, 'root', path)).mode & 0o777).toString(8);
}

function totals(output: string): { changed: number; failed: number; hosts: string[] } {
  const recap = parseRecap(output);
  const counts = Object.values(recap);
  return {
    changed: counts.reduce((sum, host) => sum + host.changed, 0),
    failed: counts.reduce((sum, host) => sum + host.failed + host.unreachable, 0),
    hosts: Object.keys(recap).sort(),
  };
}

describe('the site playbook on the lab: check, run, run again, add a worker (with stand-ins)', () => {
  let lab: Lab;
  let work: string;
  let inventory: string;
  let chartSecrets: Record<string, string>;
  let env: Record<string, string>;
  const outputs: { name: string; run: CliRun; log: string }[] = [];

  /** Copies inventory/lab with its ports moved to this test's lab. */
  function labInventory(folder: string): string {
    cpSync(join(REPO, 'inventory/lab'), folder, { recursive: true });
    for (const file of ['hosts.yml', 'group_vars/all.yml']) {
      const path = join(folder, file);
      const text = readFileSync(path, 'utf8')
        .replace(/ansible_port: (\d+)/g, (_, port: string) => `ansible_port: ${Number(port) - LAB_INVENTORY_PORTS.base + BASE_PORT}`)
        .replace(`127.0.0.1:${LAB_INVENTORY_PORTS.mirror}`, `127.0.0.1:${MIRROR_PORT}`);
      writeFileSync(path, text);
    }
    return folder;
  }

  async function site(name: string, args: string[], inventoryPath = inventory): Promise<CliRun> {
    const log = join(work, `${name}.log`);
    const result = await betifPlay([join(REPO, 'playbooks/site.yml'), '-i', inventoryPath, '--known-hosts', lab.knownHostsPath, '--vault-password-file', VAULT_PASSWORD_FILE, '--log-file', log, ...args], { env });
    outputs.push({ name, run: result, log });
    return result;
  }

  before(async () => {
    lab = await startLab(7, { basePort: BASE_PORT, dir: join(tmpdir(), 'betif-lab-site') });
    await run('bash', [join(REPO, 'test/lab/site/prepare.sh'), String(MIRROR_PORT), ...LAYOUT], { env: { ...process.env, LAB_DIR: lab.dir } });
    work = mkdtempSync(join(tmpdir(), 'betif-site-'));
    inventory = labInventory(join(work, 'inventory'));
    const vault = await betifPlay(['vault', 'view', '--vault-password-file', VAULT_PASSWORD_FILE, join(inventory, 'group_vars/rke2_servers.yml')]);
    assert.equal(vault.code, 0, vault.stderr);
    chartSecrets = parse(vault.stdout) as Record<string, string>;
    env = { LAB_DIR: lab.dir };
  });

  after(async () => {
    await lab?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('--check --diff plans the changes and changes no file and no libvirt object on any host', async () => {
    const before = await snapshot(lab);
    const check = await site('check', ['--check', '--diff']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const { changed, failed } = totals(check.stdout);
    assert.equal(failed, 0);
    assert.ok(changed > 20, check.stdout);
    assert.match(check.stdout, /\+intel_iommu=on\n\+iommu=pt\n/);
    assert.match(check.stdout, /\+server: https:\/\/10\.10\.142\.10:9345\n\+token: "\*\*\*\*\*\*\*\*"\n/);
    assert.deepEqual(await snapshot(lab), before);
  });

  test('the first run builds the site: VMs, passthrough with one reboot, RKE2, the GPU worker, JupyterHub', async () => {
    const first = await site('first', []);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(totals(first.stdout).hosts, ['betif-hv', 'nfs-server', ...Object.keys(NODES)].sort());

    assert.match(await virsh(lab, 'net-info', 'private-net'), /Active:\s+yes[\s\S]*Autostart:\s+yes/);
    for (const [name, node] of Object.entries(NODES)) {
      const xml = await virsh(lab, 'dumpxml', '--inactive', name);
      assert.match(xml, new RegExp(`<memory unit='KiB'>${node.memory * 1024}</memory>`), name);
      assert.match(xml, new RegExp(`<vcpu placement='static'>${node.vcpus}</vcpu>`), name);
      assert.match(xml, /<interface type='network'>[\s\S]*?<source network='private-net'/, name);
      assert.match(xml, new RegExp(`<source file='/var/lib/libvirt/images/${name}\\.qcow2'/>`), name);
      assert.match(hostFile(lab, node.host, 'etc/hosts'), /^10\.10\.142\.10 betif-difaet\.jhub$/m);
    }
    const gpuDomain = await virsh(lab, 'dumpxml', '--inactive', 'gpu-worker1');
    assert.match(gpuDomain, /<hostdev mode='subsystem' type='pci' managed='yes'>\s*<source>\s*<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'\/>/);

    const entries = readdirSync(join(lab.hosts[0].root, 'boot/loader/entries'));
    assert.equal(entries.length, 2);
    for (const entry of entries) assert.match(hostFile(lab, 'h1', `boot/loader/entries/${entry}`), /^options .* intel_iommu=on iommu=pt$/m);
    assert.equal(hostFile(lab, 'h1', 'etc/udev/rules.d/99-vfio.rules'), VFIO_RULE);
    assert.equal(hostFile(lab, 'h1', 'etc/modules-load.d/vfio-pci.conf'), 'vfio-pci\n');
    assert.ok(existsSync(join(lab.hosts[0].root, 'var/lib/lab-sys/module/vfio_pci')), 'vfio-pci is loaded');
    const reboots = (host: string) => hostFile(lab, host, 'var/lib/lab-reboot/boot_id.log').split('\n').length - 1;
    assert.equal(reboots('h1'), 1, 'the hypervisor rebooted once');
    assert.equal(hostFile(lab, 'h1', 'var/log/lab-dracut.log'), 'dracut -f\n');
    assert.match(hostFile(lab, 'h1', 'var/lib/lab-proc/cmdline'), / intel_iommu=on iommu=pt\n$/);

    const token = hostFile(lab, 'h2', 'var/lib/rancher/rke2/server/token').trim();
    const server = parse(hostFile(lab, 'h2', 'etc/rancher/rke2/config.yaml'));
    assert.deepEqual(server['tls-san'], ['10.10.142.10', '127.0.0.1', 'betif-difaet.jhub']);
    assert.equal(modeOf(lab, 'h2', 'etc/rancher/rke2/config.yaml'), '600');
    assert.equal(hostFile(lab, 'h2', 'home/betif/.kube/config'), hostFile(lab, 'h2', 'etc/rancher/rke2/rke2.yaml'));
    assert.equal(modeOf(lab, 'h2', 'home/betif/.kube/config'), '600');
    assert.match(await onHost(lab, 'h2', 'stat -c %U:%G /home/betif/.kube/config'), /^betif:betif$/m);
    for (const [name, node] of Object.entries(NODES).filter(([name]) => name !== 'master')) {
      const agent = parse(hostFile(lab, node.host, 'etc/rancher/rke2/config.yaml'));
      assert.deepEqual(agent, { server: 'https://10.10.142.10:9345', token, 'node-name': name, 'node-label': node.labels });
      assert.equal(modeOf(lab, node.host, 'etc/rancher/rke2/config.yaml'), '600');
    }

    const packages = await run('rpm', ['--root', join(lab.hosts[4].root, 'var/lib/lab-dnf/root'), '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}\\n']);
    for (const pkg of ['openssl-libs-3.0.7-25.el9_3', 'dkms-3.0.13-1.el9', 'cuda-toolkit-12-4-12.4.1-1', 'nvidia-driver-580.65.06-1.el9', 'kmod-nvidia-latest-dkms-580.65.06-1.el9']) {
      assert.ok(packages.stdout.split('\n').includes(pkg), `${pkg} installed on the GPU worker`);
    }
    assert.equal(hostFile(lab, 'h5', 'etc/modprobe.d/blacklist-nouveau.conf'), 'blacklist nouveau\noptions nouveau modeset=0\n');
    assert.equal(reboots('h5'), 1, 'the GPU worker rebooted once');
    assert.match(await onHost(lab, 'h5', 'nvidia-smi'), /Driver Version: 580\.65\.06/);

    const values = JSON.parse(await onHost(lab, 'h2', 'helm get values jhub -n jhub -o json --kubeconfig /etc/rancher/rke2/rke2.yaml')).jupyterhub;
    assert.deepEqual(values.ingress.hosts, ['betif-difaet.jhub']);
    assert.equal(values.proxy.secretToken, chartSecrets.jhub_proxy_secret_token);
    assert.equal(values.hub.cookieSecret, chartSecrets.jhub_cookie_secret);
    const oauth = values.hub.config.GenericOAuthenticator;
    assert.equal(oauth.authorize_url, 'https://iam.lab.test/authorize');
    assert.equal(oauth.oauth_callback_url, 'https://betif-difaet.jhub/hub/oauth_callback');
    assert.deepEqual(oauth.allowed_groups, ['betif-users']);
    assert.equal(oauth.client_secret, chartSecrets.jhub_iam_client_secret);
  });

  test('the first run built the NFS server, the storage, the node labels, the GPU Operator and CVMFS (with stand-ins for systemctl, exportfs, helm and kubectl)', async () => {
    const nfsPackages = await run('rpm', ['--root', join(lab.hosts[6].root, 'var/lib/lab-dnf/root'), '-q', 'nfs-utils']);
    assert.match(nfsPackages.stdout, /^nfs-utils-2\.5\.4/);
    assert.match(await onHost(lab, 'h7', 'systemctl is-enabled nfs-server; systemctl is-active nfs-server'), /^enabled\nactive\n$/);
    assert.match(await onHost(lab, 'h7', 'stat -c "%U:%G %a" /srv/nfs/k8s'), /^nobody:nobody 777$/m);
    assert.equal(hostFile(lab, 'h7', 'etc/exports.d/k8s.exports'), '/srv/nfs/k8s *(rw,sync,no_subtree_check,no_root_squash)\n');
    assert.equal(hostFile(lab, 'h7', 'var/lib/nfs/etab'), '/srv/nfs/k8s\t*(rw,sync,no_subtree_check,no_root_squash)\n');
    assert.equal(hostFile(lab, 'h7', 'var/log/lab-exportfs.log'), 'exportfs -r\nexportfs -ra\n', 'nfs-server started, then one re-export for the new export');

    const kubectl = async (...args: string[]) => JSON.parse(await onHost(lab, 'h2', `kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml ${args.join(' ')} -o json`));
    const helmValues = async (release: string, namespace: string) => JSON.parse(await onHost(lab, 'h2', `helm get values ${release} -n ${namespace} -o json --kubeconfig /etc/rancher/rke2/rke2.yaml`));
    assert.deepEqual(await helmValues('nfs-subdir-external-provisioner', 'kube-storage'), { nfs: { server: '10.10.142.30', path: '/srv/nfs/k8s' }, storageClass: { name: 'nfs-client' } });
    const shared = await kubectl('get', 'pvc', 'jhub-shared-pvc', '-n', 'jhub');
    assert.deepEqual(shared.spec, { accessModes: ['ReadWriteMany'], storageClassName: 'nfs-client', resources: { requests: { storage: '100Gi' } } });

    for (const node of ['master', 'worker1', 'worker2']) assert.equal((await kubectl('get', 'node', node)).metadata.labels['nvidia.com/gpu.present'], 'false', node);
    assert.equal((await kubectl('get', 'node', 'gpu-worker1')).metadata.labels['nvidia.com/gpu.present'], 'true');

    const operator = await kubectl('get', 'helmchart', 'gpu-operator', '-n', 'kube-system');
    assert.equal(operator.apiVersion, 'helm.cattle.io/v1');
    assert.equal(operator.spec.repo, 'https://helm.ngc.nvidia.com/nvidia');
    assert.equal(operator.spec.chart, 'gpu-operator');
    assert.equal(operator.spec.targetNamespace, 'gpu-operator');
    const operatorValues = parse(operator.spec.valuesContent);
    assert.deepEqual(operatorValues.toolkit.env, [{ name: 'CONTAINERD_SOCKET', value: '/run/k3s/containerd/containerd.sock' }]);
    assert.deepEqual(operatorValues.devicePlugin.config, { name: 'time-slicing-config', default: 'any' });
    const slicing = parse((await kubectl('get', 'configmap', 'time-slicing-config', '-n', 'gpu-operator')).data.any);
    assert.deepEqual(slicing.sharing.timeSlicing.resources, [{ name: 'nvidia.com/gpu', replicas: 10 }]);

    const jhubReleases = JSON.parse(await onHost(lab, 'h2', 'helm list -n jhub -o json --kubeconfig /etc/rancher/rke2/rke2.yaml')) as { name: string; chart: string }[];
    assert.deepEqual(jhubReleases.map((release) => `${release.name} ${release.chart}`).sort(), ['cvmfs-csi cvmfs-csi-2.4.1', 'jhub jhubaas-0.1.0']);
    assert.equal((await kubectl('get', 'storageclass', 'cvmfs')).provisioner, 'cvmfs.csi.cern.ch');
    assert.equal((await kubectl('get', 'pvc', 'cvmfs', '-n', 'jhub')).spec.storageClassName, 'cvmfs');
    assert.equal((await kubectl('get', 'daemonset', 'cvmfs-idler', '-n', 'jhub')).spec.template.spec.volumes[0].persistentVolumeClaim.claimName, 'cvmfs');
  });

  test('the check run planned every change the first run made, naming what waited for an earlier task', () => {
    const [check, first] = ['check', 'first'].map((name) => outputs.find((entry) => entry.name === name)?.run.stdout ?? '');
    assert.match(check, /TASK \[kvm_host : libvirtd runs now and at boot\] \*+\nchanged: \[betif-hv\] \(depends on: Virtualization packages \(qemu-kvm, libvirt, virt-install\)\)\n/);
    assert.match(check, /RUNNING HANDLER \[gpu_passthrough : rebuild the initramfs\] \*+\nchanged: \[betif-hv\] \(depends on: /);
    assert.match(check, /TASK \[storage : The users' shared volume \(ReadWriteMany, on NFS\)\] \*+\nchanged: \[master\] \(depends on: /);
    const planned = new Set(changedTasks(check));
    const missed = [...changedTasks(first)].filter((pair) => !planned.has(pair));
    assert.deepEqual(missed, []);
  });

  test('a second run changes nothing', async () => {
    const before = await snapshot(lab);
    const second = await site('second', []);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const [host, counts] of Object.entries(parseRecap(second.stdout))) assert.equal(counts.changed, 0, `${host}: ${second.stdout}`);
    assert.deepEqual(await snapshot(lab), before);
  });

  test('one inventory line and --limit create, join and label just the new worker', async () => {
    const extended = labInventory(join(work, 'inventory-worker3'));
    const hostsFile = join(extended, 'hosts.yml');
    writeFileSync(hostsFile, readFileSync(hostsFile, 'utf8').replace(/^( +)worker2: .*$/m, `$&\n$1worker3: {ansible_port: ${BASE_PORT + 5}, vm_ip: 10.10.142.13}`));
    const others = lab.hosts.map((host) => host.name).filter((name) => name !== 'h6');
    const before = await snapshot(lab, others);

    const added = await site('worker3', ['--limit', 'worker3'], extended);
    assert.equal(added.code, 0, added.stdout + added.stderr);
    const { hosts, changed, failed } = totals(added.stdout);
    assert.deepEqual(hosts, ['worker3']);
    assert.ok(changed > 0);
    assert.equal(failed, 0);

    assert.match(await virsh(lab, 'dumpxml', '--inactive', 'worker3'), /<source network='private-net'/);
    const token = hostFile(lab, 'h2', 'var/lib/rancher/rke2/server/token').trim();
    assert.deepEqual(parse(hostFile(lab, 'h6', 'etc/rancher/rke2/config.yaml')), {
      server: 'https://10.10.142.10:9345',
      token,
      'node-name': 'worker3',
      'node-label': ['betif-difaet/role=worker'],
    });
    const after = await snapshot(lab, others);
    const changedKeys = [...new Set([...before.keys(), ...after.keys()])].filter((key) => after.get(key) !== before.get(key));
    assert.deepEqual(changedKeys.sort(), ['h1/var/lib/libvirt/images/worker3.qcow2', 'h2/var/lib/kubectl-standin/objects/node/_cluster/worker3.json', 'libvirt/domains', 'libvirt/worker3']);
    const label = JSON.parse(await onHost(lab, 'h2', 'kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get node worker3 -o json')).metadata.labels;
    assert.deepEqual(label, { 'nvidia.com/gpu.present': 'false' });
  });

  test('the RKE2 token, the kubeconfig and the vault\'s chart secrets appear in no output and no log', () => {
    const token = hostFile(lab, 'h2', 'var/lib/rancher/rke2/server/token').trim();
    const kubeconfigKey = /client-key-data: (\S+)/.exec(hostFile(lab, 'h2', 'etc/rancher/rke2/rke2.yaml'))?.[1] ?? '';
    const secrets = { token, 'token secret': token.split(':').at(-1) ?? '', kubeconfigKey, ...chartSecrets };
    assert.equal(outputs.length, 4);
    for (const { name, run: { stdout, stderr }, log } of outputs) {
      const texts = { stdout, stderr, log: readFileSync(log, 'utf8') };
      for (const [where, text] of Object.entries(texts)) {
        for (const [what, secret] of Object.entries(secrets)) assert.ok(secret.length > 8 && !text.includes(secret), `${what} in the ${name} run's ${where}`);
      }
    }
  });
});
