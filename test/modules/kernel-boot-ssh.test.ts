import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));
const VERSIONS = ['5.14.0-427.13.1.el9_4.x86_64', '5.14.0-362.8.1.el9_3.x86_64', '0-rescue-9a8b7c6d'];
const OPTIONS = 'root=UUID=7c1f4d2e-1111-2222-3333-444455556666 ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rhgb quiet';
const VFIO_LINE = 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:01:00.0", DRIVER=="", ATTR{driver_override}="vfio-pci"\n';

const PLAYBOOK = `
- name: GPU passthrough host
  hosts: all
  gather_facts: false
  tasks:
    - name: IOMMU on every boot entry
      grubby:
        args: intel_iommu=on iommu=pt
      register: boot
    - name: vfio-pci takes the GPU
      udev_rule:
        name: 99-vfio
        rules:
          - {ACTION: add, SUBSYSTEM: pci, KERNEL: "0000:01:00.0", DRIVER: "", "ATTR{driver_override}": vfio-pci}
    - name: vfio-pci loads now and at boot
      betif.platform.modprobe:
        name: vfio-pci
        params: ids=10de:2204
        persistent: present
    - name: nouveau stays away
      modprobe:
        name: nouveau
        blacklist: true
        params: modeset=0
        initramfs: true
    - name: the running kernel waits for a reboot
      assert:
        that: boot.reboot_required
`;

/** Files that tell the host's state, relative to its root. */
const WATCHED = [
  ...VERSIONS.map((version) => `boot/loader/entries/lab-${version}.conf`),
  'etc/udev/rules.d/99-vfio.rules',
  'etc/modules-load.d/vfio-pci.conf',
  'etc/modprobe.d/vfio-pci.conf',
  'etc/modprobe.d/blacklist-nouveau.conf',
  'var/lib/lab-sys-module/vfio_pci/parameters/ids',
  ...['grubby', 'udevadm', 'modprobe', 'dracut'].map((tool) => `var/log/lab-${tool}.log`),
];

function snapshot(root: string): Record<string, string> {
  return Object.fromEntries(WATCHED.map((path) => [path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : '<absent>']));
}

/** The host's stand-ins, boot entries, and a /sys/module of its own that the stand-in modprobe can write. */
async function prepareHost(root: string): Promise<void> {
  for (const tool of ['grubby', 'udevadm', 'modprobe', 'dracut']) copyFileSync(join(STANDINS, tool), join(root, 'opt/lab/bin', tool));
  mkdirSync(join(root, 'boot/loader/entries'), { recursive: true });
  for (const version of VERSIONS) {
    const options = version.startsWith('0-rescue') ? `${OPTIONS} intel_iommu=on` : OPTIONS;
    writeFileSync(join(root, `boot/loader/entries/lab-${version}.conf`), `title AlmaLinux (${version}) 9.4\nversion ${version}\nlinux /boot/vmlinuz-${version}\ninitrd /boot/initramfs-${version}.img\noptions ${options}\n`);
  }
  mkdirSync(join(root, 'var/lib/lab-sys-module'), { recursive: true });
  writeFileSync(join(root, 'var/lib/lab-proc-modules'), '');
  const sshd = readFileSync(join(root, 'run/betif-sshd.pid'), 'utf8').trim();
  const mountScript = 'mount --bind "$1/var/lib/lab-sys-module" "$1/sys/module"; if [ -e "$1/proc/modules" ]; then mount --bind "$1/var/lib/lab-proc-modules" "$1/proc/modules"; fi';
  await promisify(execFile)('nsenter', ['--mount', `--target=${sshd}`, '--', '/bin/sh', '-ec', mountScript, 'sh', root]);
}

describe('grubby, udev_rule and modprobe over real SSH (with stand-ins)', () => {
  let lab: Lab;
  let base: string[];
  let root: string;

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2720), dir: join(tmpdir(), 'betif-lab-kernel-boot') });
    root = lab.hosts[0].root;
    await prepareHost(root);
    const work = mkdtempSync(join(tmpdir(), 'betif-kernel-boot-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('--check reports the changes and changes nothing', async () => {
    const before = snapshot(root);
    const run = await betifPlay([...base, '--check']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).h1.changed, 4, run.stdout);
    assert.deepEqual(snapshot(root), before);
  });

  test('the first run reaches the end state', async () => {
    const run = await betifPlay(base);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).h1.changed, 4, run.stdout);
    const state = snapshot(root);
    for (const version of VERSIONS) assert.match(state[`boot/loader/entries/lab-${version}.conf`], new RegExp(`^options ${OPTIONS} intel_iommu=on iommu=pt$`, 'm'));
    assert.equal(state['etc/udev/rules.d/99-vfio.rules'], VFIO_LINE);
    assert.equal(state['etc/modules-load.d/vfio-pci.conf'], 'vfio-pci\n');
    assert.equal(state['etc/modprobe.d/vfio-pci.conf'], 'options vfio-pci ids=10de:2204\n');
    assert.equal(state['etc/modprobe.d/blacklist-nouveau.conf'], 'blacklist nouveau\noptions nouveau modeset=0\n');
    assert.equal(state['var/lib/lab-sys-module/vfio_pci/parameters/ids'], '10de:2204\n');
    assert.equal(state['var/log/lab-grubby.log'], 'grubby --update-kernel=ALL --args=intel_iommu=on iommu=pt\n');
    assert.equal(state['var/log/lab-udevadm.log'], 'udevadm control --reload-rules\nudevadm trigger\n');
    assert.equal(state['var/log/lab-modprobe.log'], 'modprobe -- vfio-pci ids=10de:2204\n');
    assert.equal(state['var/log/lab-dracut.log'], 'dracut -f\n');
  });

  test('a second run changes nothing and runs no tool again', async () => {
    const before = snapshot(root);
    const run = await betifPlay(base);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).h1.changed, 0, run.stdout);
    assert.deepEqual(snapshot(root), before);
  });

  test('--check --diff shows the drift of one boot entry and the rules file without fixing it', async () => {
    const entry = join(root, `boot/loader/entries/lab-${VERSIONS[1]}.conf`);
    writeFileSync(entry, readFileSync(entry, 'utf8').replace(' iommu=pt', ''));
    writeFileSync(join(root, 'etc/udev/rules.d/99-vfio.rules'), VFIO_LINE.replace('01:00.0', '02:00.0'));
    const before = snapshot(root);
    const run = await betifPlay([...base, '--check', '--diff']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(parseRecap(run.stdout).h1.changed, 2, run.stdout);
    assert.match(run.stdout, new RegExp(`--- before: /boot/vmlinuz-${VERSIONS[1].replace(/\./g, '\\.')} \\(args\\)\\n\\+\\+\\+ after: .*\\n@@ .* @@\\n(?: .*\\n)* intel_iommu=on\\n\\+iommu=pt\\n`));
    assert.match(run.stdout, /-ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:02:00\.0".*\n\+ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:01:00\.0"/);
    assert.deepEqual(snapshot(root), before);
  });
});
