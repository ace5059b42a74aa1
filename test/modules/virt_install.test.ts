import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import { qemuImgCreateArgv, virtInstallArgv } from '../../src/modules/virt/lib/virt-install-command.js';
import virtInstall from '../../src/modules/virt/virt_install.js';
import { startTestLibvirt, testDriverUri, type TestLibvirt } from '../fixtures/libvirt/test-daemon.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

function virsh(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' }).trim();
}

function imageInfo(path: string): { format: string; 'backing-filename'?: string; 'virtual-size': number } {
  return JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path], { encoding: 'utf8' }));
}

describe('virt_install', () => {
  let work: string;
  let libvirt: TestLibvirt;
  let uri: string;
  let base: string;

  before(async () => {
    work = scratchDir('betif-virt-install-');
    libvirt = await startTestLibvirt(join(work, 'libvirt'));
    uri = libvirt.uri;
    base = join(work, 'base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
  });

  after(async () => {
    await libvirt?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** A domain on the test driver (which takes neither --virt-type kvm nor --machine q35). */
  const domain = (name: string, extra: Record<string, unknown> = {}) => ({
    uri,
    name,
    memory: 256,
    vcpus: 1,
    cpu: 'host-passthrough',
    osinfo: 'linux2022',
    disk: { path: join(work, `${name}.qcow2`), backing: base },
    networks: ['default'],
    ...extra,
  });

  test('defines a domain on a qcow2 overlay it creates with qemu-img, then has nothing to do', async () => {
    const args = domain('vm-define');
    const first = await runModule(virtInstall, args);
    assert.equal(first.result.changed, true, JSON.stringify(first.result));
    assert.equal(first.result.state, 'shut off');
    const overlay = imageInfo(args.disk.path);
    assert.equal(overlay.format, 'qcow2');
    assert.equal(overlay['backing-filename'], base);
    assert.equal(virsh(uri, 'domstate', 'vm-define'), 'shut off');
    const xml = virsh(uri, 'dumpxml', '--inactive', 'vm-define');
    assert.match(xml, /<memory unit='KiB'>262144<\/memory>/);
    assert.match(xml, /<vcpu placement='static'>1<\/vcpu>/);
    assert.match(xml, /<cpu mode='host-passthrough'\/>/);
    assert.ok(xml.includes(`<source file='${args.disk.path}'/>`), xml);
    assert.match(xml, /<source network='default'\/>/);
    assert.equal(first.diff.length, 1);
    assert.equal(first.diff[0].before, 'state: absent\n');
    assert.equal(
      first.diff[0].after,
      `memory: 256\nvcpus: 1\ndisk:\n  path: ${args.disk.path}\n  format: qcow2\nnetworks:\n  - network: default\ndisk_image: qcow2 overlay on ${base}\nstate: shut off\n`,
    );

    const second = await runModule(virtInstall, args);
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('check mode reports the new domain and creates neither the overlay nor the domain', async () => {
    const args = domain('vm-check', { state: 'running' });
    const { result, diff } = await runModule(virtInstall, args, { check: true });
    assert.equal(result.changed, true);
    assert.equal(result.state, 'running');
    assert.match(diff[0].after, /disk_image: qcow2 overlay on/);
    assert.equal(existsSync(args.disk.path), false);
    assert.doesNotMatch(virsh(uri, 'list', '--all', '--name'), /vm-check/);
  });

  test('state running starts the domain, shutdown stops it, absent removes it and keeps the disk', async () => {
    const args = domain('vm-power');
    await runModule(virtInstall, args);
    const started = await runModule(virtInstall, { ...args, state: 'running' });
    assert.equal(started.result.changed, true);
    assert.match(started.diff[0].before, /^state: shut off$/m);
    assert.match(started.diff[0].after, /^state: running$/m);
    assert.equal(virsh(uri, 'domstate', 'vm-power'), 'running');
    assert.equal((await runModule(virtInstall, { ...args, state: 'running' })).result.changed, false);

    const stopped = await runModule(virtInstall, { ...args, state: 'shutdown' });
    assert.equal(stopped.result.changed, true);
    assert.equal(virsh(uri, 'domstate', 'vm-power'), 'shut off');
    assert.equal((await runModule(virtInstall, { ...args, state: 'shutdown' })).result.changed, false);

    await runModule(virtInstall, { ...args, state: 'running' });
    const removed = await runModule(virtInstall, { uri, name: 'vm-power', state: 'absent' });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.diff[0], { before: 'state: running\n', after: 'state: absent\n', beforeHeader: `domain vm-power (${uri})`, afterHeader: `domain vm-power (${uri})` });
    assert.doesNotMatch(virsh(uri, 'list', '--all', '--name'), /vm-power/);
    assert.equal(existsSync(args.disk.path), true);
    assert.equal((await runModule(virtInstall, { uri, name: 'vm-power', state: 'absent' })).result.changed, false);
  });

  test('memory and vcpu drift is shown as a diff and fixed in the definition with virsh', async () => {
    const args = domain('vm-size', { state: 'running' });
    await runModule(virtInstall, args);
    const grown = { ...args, memory: 512, vcpus: 2 };

    const checked = await runModule(virtInstall, grown, { check: true });
    assert.equal(checked.result.changed, true);
    assert.match(virsh(uri, 'dumpxml', '--inactive', 'vm-size'), /<memory unit='KiB'>262144</);

    const { result, diff } = await runModule(virtInstall, grown);
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'the changed definition applies from the next boot of domain vm-size');
    assert.equal(diff[0].before.split('\n').slice(0, 2).join('\n'), 'memory: 256\nvcpus: 1');
    assert.equal(diff[0].after.split('\n').slice(0, 2).join('\n'), 'memory: 512\nvcpus: 2');
    const xml = virsh(uri, 'dumpxml', '--inactive', 'vm-size');
    assert.match(xml, /<memory unit='KiB'>524288<\/memory>/);
    assert.match(xml, /<currentMemory unit='KiB'>524288<\/currentMemory>/);
    assert.match(xml, /<vcpu placement='static'>2<\/vcpu>/);
    assert.equal((await runModule(virtInstall, grown)).result.changed, false);

    const shrunk = await runModule(virtInstall, { ...args, memory: 128, vcpus: 1 });
    assert.equal(shrunk.result.changed, true);
    assert.match(virsh(uri, 'dumpxml', '--inactive', 'vm-size'), /<memory unit='KiB'>131072<\/memory>[\s\S]*<vcpu placement='static'>1<\/vcpu>/);
  });

  test('a NIC the driver cannot attach fails with its message; recreate: true recreates the domain instead', async () => {
    const args = domain('vm-nics', { state: 'running' });
    await runModule(virtInstall, args);
    const more = { ...args, networks: ['default', { bridge: 'br-lab', model: 'virtio' }] };

    const checked = await runModule(virtInstall, more, { check: true });
    assert.equal(checked.result.changed, true);
    assert.match(checked.diff[0].before, /networks:\n {2}- network: default\n/);
    assert.match(checked.diff[0].after, /networks:\n {2}- network: default\n {2}- bridge: br-lab\n {4}model: virtio\n/);

    const refused = await runModule(virtInstall, more);
    assert.equal(refused.result.failed, true);
    assert.match(String(refused.result.msg), /^virsh attach-interface failed: .*not supported by the connection driver.*set recreate: true/);

    const recreated = await runModule(virtInstall, { ...more, recreate: true });
    assert.equal(recreated.result.changed, true, String(recreated.result.msg));
    assert.equal(recreated.result.recreated, true);
    assert.equal(virsh(uri, 'domstate', 'vm-nics'), 'running');
    assert.match(virsh(uri, 'dumpxml', '--inactive', 'vm-nics'), /<source bridge='br-lab'\/>[\s\S]*<model type='virtio'\/>/);
    assert.equal((await runModule(virtInstall, { ...more, recreate: true })).result.changed, false);
  });

  test('a different disk needs recreate: true, which recreates the domain on a new overlay', async () => {
    const args = domain('vm-disk');
    await runModule(virtInstall, args);
    const moved = { ...args, disk: { path: join(work, 'vm-disk-2.qcow2'), backing: base, size: '1G' } };

    const refused = await runModule(virtInstall, moved);
    assert.equal(refused.result.failed, true);
    assert.match(String(refused.result.msg), /libvirt cannot change a domain's disk in place; set recreate: true/);
    assert.equal(existsSync(moved.disk.path), false);

    const recreated = await runModule(virtInstall, { ...moved, recreate: true });
    assert.equal(recreated.result.changed, true, String(recreated.result.msg));
    assert.match(recreated.diff[0].before, new RegExp(`disk:\\n {2}path: ${args.disk.path}\\n`));
    assert.match(recreated.diff[0].after, new RegExp(`disk:\\n {2}path: ${moved.disk.path}\\n[\\s\\S]*disk_image: qcow2 overlay on ${base}, 1G\\n`));
    assert.equal(imageInfo(moved.disk.path)['virtual-size'], 1024 ** 3);
    assert.ok(virsh(uri, 'dumpxml', '--inactive', 'vm-disk').includes(`<source file='${moved.disk.path}'/>`));
    assert.equal((await runModule(virtInstall, { ...moved, recreate: true })).result.changed, false);
  });

  test('defines PCI passthrough devices without node-device lookups, and compares them with the definition', async () => {
    const args = domain('vm-pci', { hostdevs: ['01:00.0', '0000:02:00.1'] });
    const first = await runModule(virtInstall, args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.match(first.diff[0].after, /hostdevs:\n {2}- 0000:01:00\.0\n {2}- 0000:02:00\.1\n/);
    const xml = virsh(uri, 'dumpxml', '--inactive', 'vm-pci');
    const hostdev = (bus: string, fn: string) =>
      new RegExp(`<hostdev mode='subsystem' type='pci' managed='yes'>\\s*<source>\\s*<address domain='0x0000' bus='${bus}' slot='0x00' function='${fn}'/>`);
    assert.match(xml, hostdev('0x01', '0x0'));
    assert.match(xml, hostdev('0x02', '0x1'));
    assert.equal((await runModule(virtInstall, args)).result.changed, false);

    const { result, diff } = await runModule(virtInstall, { ...args, hostdevs: ['0000:01:00.0', '0000:02:00.1', '03:00.0'] }, { check: true });
    assert.equal(result.changed, true);
    assert.match(diff[0].before, /hostdevs:\n {2}- 0000:01:00\.0\n {2}- 0000:02:00\.1\n$/);
    assert.match(diff[0].after, /hostdevs:\n {2}- 0000:01:00\.0\n {2}- 0000:02:00\.1\n {2}- 0000:03:00\.0\n$/);

    const refused = await runModule(virtInstall, { ...args, hostdevs: ['01:00.0'] });
    assert.equal(refused.result.failed, true);
    assert.match(String(refused.result.msg), /^virsh detach-device failed: .*not supported by the connection driver.*set recreate: true/);
  });

  test('cloud-init user-data and network-config reach the domain through virt-install', async () => {
    const networkConfig = join(work, 'network-config.yaml');
    writeFileSync(networkConfig, 'version: 2\nethernets:\n  eth0:\n    dhcp4: true\n');
    const args = domain('vm-cloud', {
      state: 'shutdown',
      cloud_init: { user_data: { hostname: 'vm-cloud', packages: ['qemu-guest-agent'] }, network_config_file: networkConfig },
    });
    const first = await runModule(virtInstall, args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    // virt-install booted it once with its cloud-init ISO (the emptied cdrom stays); state shutdown then shut it down.
    assert.equal(virsh(uri, 'domstate', 'vm-cloud'), 'shut off');
    assert.match(virsh(uri, 'dumpxml', '--inactive', 'vm-cloud'), /<disk type='file' device='cdrom'>/);
    assert.equal((await runModule(virtInstall, args)).result.changed, false);

    const missing = await runModule(virtInstall, domain('vm-cloud-2', { cloud_init: { user_data_file: join(work, 'no-such-user-data') } }));
    assert.equal(missing.result.failed, true);
    assert.match(String(missing.result.msg), /^virt-install failed: cp: cannot stat '.*no-such-user-data'/);
  });

  test('a name carrying shell syntax is data: virt-install refuses it and nothing runs', async () => {
    rmSync('/tmp/pwned-virt', { force: true });
    const args = domain('vm; touch /tmp/pwned-virt', { disk: { path: join(work, 'inj.qcow2'), backing: base } });
    const checked = await runModule(virtInstall, args, { check: true });
    assert.equal(checked.result.changed, true);
    const { result } = await runModule(virtInstall, args);
    assert.equal(result.failed, true);
    assert.match(String(result.msg), /virt-install failed: .*Guest name 'vm; touch \/tmp\/pwned-virt' can not contain ' ' character/);
    assert.equal(existsSync('/tmp/pwned-virt'), false);
  });

  test('a disk path with commas and equals signs stays one virt-install value; quotes are refused', async () => {
    const args = domain('vm-odd-path', { disk: { path: join(work, 'odd,format=raw,x.qcow2'), backing: base } });
    const { result } = await runModule(virtInstall, args);
    assert.equal(result.changed, true, String(result.msg));
    const xml = virsh(uri, 'dumpxml', '--inactive', 'vm-odd-path');
    assert.ok(xml.includes(`<source file='${args.disk.path}'/>`), xml);
    assert.equal((await runModule(virtInstall, args)).result.changed, false);

    const quoted = await runModule(virtInstall, domain('vm-quoted', { disk: { path: join(work, 'a"b.qcow2'), backing: base } }));
    assert.equal(quoted.result.failed, true);
    assert.match(String(quoted.result.msg), /^disk.path must not contain ', " or &: virt-install escapes them twice/);
  });

  test('a missing backing image fails a real run; in check mode the overlay and domain are planned on it', async () => {
    const args = domain('vm-nobase', { disk: { path: join(work, 'nobase.qcow2'), backing: join(work, 'later.qcow2') }, state: 'running' });
    const checked = await runModule(virtInstall, args, { check: true });
    assert.equal(checked.result.changed, true, String(checked.result.msg));
    assert.equal(checked.result.failed, undefined);
    assert.equal(checked.result.msg, `the backing image ${join(work, 'later.qcow2')} of disk ${join(work, 'nobase.qcow2')} does not exist yet: the run fails unless an earlier task creates it`);
    assert.match(checked.diff[0].after, new RegExp(`disk_image: qcow2 overlay on ${join(work, 'later.qcow2')}\\nstate: running\\n$`));
    assert.equal(existsSync(args.disk.path), false);

    const missing = await runModule(virtInstall, args);
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, `the backing image ${join(work, 'later.qcow2')} of disk ${join(work, 'nobase.qcow2')} does not exist`);
    assert.equal(existsSync(args.disk.path), false);
    assert.doesNotMatch(virsh(uri, 'list', '--all', '--name'), /vm-nobase/);

    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(work, 'later.qcow2'), '64M']);
    assert.equal((await runModule(virtInstall, args)).result.changed, true);
    assert.equal(virsh(uri, 'domstate', 'vm-nobase'), 'running');
  });

  test('an unreachable libvirt fails with a clear message', async () => {
    const unreachable = await runModule(virtInstall, { name: 'vm', uri: testDriverUri(join(work, 'nowhere')) });
    assert.equal(unreachable.result.failed, true);
    assert.match(String(unreachable.result.msg), /Failed to connect socket/);
  });

  test('bad arguments are rejected before libvirt is asked', async () => {
    await assert.rejects(runModule(virtInstall, { name: 'vm', memroy: 512 }), (error: ArgumentError) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'memroy' for module 'virt_install' \(did you mean 'memory'\?\)/);
      return true;
    });
    await assert.rejects(runModule(virtInstall, { name: 'vm', memory: 'lots' }), /argument 'memory' must be integer/);
    await assert.rejects(runModule(virtInstall, { memory: 512 }), /missing required argument 'name' for module 'virt_install'/);
    await assert.rejects(runModule(virtInstall, { name: 'vm', state: 'started' }), /argument 'state' must be one of: present, running, shutdown, absent/);
    await assert.rejects(runModule(virtInstall, { name: 'vm', hostdevs: ['gpu0'] }), /argument 'hostdevs.0' must match pattern/);
    await assert.rejects(runModule(virtInstall, { name: 'vm', disk: { path: 'relative.qcow2' } }), /argument 'disk.path' must match pattern "\^\/"/);
    const both = await runModule(virtInstall, { name: 'vm', uri, cloud_init: { user_data: 'a', user_data_file: '/x' } });
    assert.equal(both.result.msg, 'cloud_init: user_data and user_data_file are mutually exclusive');
  });

  test('the command line for a real KVM host', () => {
    const request = {
      uri: 'qemu:///system',
      name: 'gpu-node-1',
      memory: 65536,
      vcpus: 16,
      cpu: 'host-passthrough',
      machine: 'q35',
      virt_type: 'kvm',
      osinfo: 'rocky9',
      disk: { path: '/var/lib/libvirt/images/gpu-node-1.qcow2', backing: '/var/lib/libvirt/images/rocky9.qcow2', size: '200G', format: 'qcow2' },
      networks: ['default', { bridge: 'br0', model: 'virtio', mac: '52:54:00:12:34:56' }],
      hostdevs: ['01:00.0', '0000:01:00.1'],
    };
    assert.deepEqual(virtInstallArgv(request, true), [
      'virt-install',
      '--connect=qemu:///system',
      '--name=gpu-node-1',
      '--memory', '65536',
      '--vcpus', '16',
      '--cpu', 'model=host-passthrough',
      '--machine=q35',
      '--virt-type=kvm',
      '--osinfo', 'name=rocky9',
      '--disk', 'path=/var/lib/libvirt/images/gpu-node-1.qcow2,format=qcow2',
      '--network', 'network=default',
      '--network', 'bridge=br0,model=virtio,mac=52:54:00:12:34:56',
      '--hostdev', 'type=pci,xpath1.set=./@mode=subsystem,xpath2.set=./@managed=yes,xpath3.set=./source/address/@domain=0x0000,xpath4.set=./source/address/@bus=0x01,xpath5.set=./source/address/@slot=0x00,xpath6.set=./source/address/@function=0x0',
      '--hostdev', 'type=pci,xpath1.set=./@mode=subsystem,xpath2.set=./@managed=yes,xpath3.set=./source/address/@domain=0x0000,xpath4.set=./source/address/@bus=0x01,xpath5.set=./source/address/@slot=0x00,xpath6.set=./source/address/@function=0x1',
      '--import',
      '--noautoconsole',
    ]);
    assert.deepEqual(virtInstallArgv({ ...request, networks: [], hostdevs: ['01:00.0', '0000:01:00.0'] }, false).slice(-7), [
      '--network', 'none', '--hostdev', 'type=pci,xpath1.set=./@mode=subsystem,xpath2.set=./@managed=yes,xpath3.set=./source/address/@domain=0x0000,xpath4.set=./source/address/@bus=0x01,xpath5.set=./source/address/@slot=0x00,xpath6.set=./source/address/@function=0x0', '--import', '--noautoconsole', '--noreboot',
    ]);
    assert.deepEqual(qemuImgCreateArgv(request.disk), [
      'qemu-img', 'create', '-f', 'qcow2', '-b', '/var/lib/libvirt/images/rocky9.qcow2', '-F', 'qcow2', '/var/lib/libvirt/images/gpu-node-1.qcow2', '200G',
    ]);
  });
});

const PLAYBOOK = `
- name: a lab network and a VM on it
  hosts: all
  gather_facts: false
  vars:
    libvirt_uri: "test+unix:///default?socket=/run/libvirt-test/libvirt-sock"
  tasks:
    - name: lab network
      virt_net:
        uri: "{{ libvirt_uri }}"
        name: labnet
        bridge: br-labnet
        ip: 192.168.150.1
        netmask: 255.255.255.0
        dhcp_start: 192.168.150.10
        dhcp_end: 192.168.150.100
        state: active
        autostart: true
    - name: node VM
      betif.platform.virt_install:
        uri: "{{ libvirt_uri }}"
        name: node1
        memory: 256
        vcpus: 1
        osinfo: linux2022
        disk: {path: /srv/node1.qcow2, backing: /srv/base.qcow2}
        networks: [labnet]
        hostdevs: ["0000:01:00.0"]
        cloud_init:
          user_data: {hostname: node1}
        state: running
`;

describe('virt_net and virt_install over real SSH', () => {
  let lab: Awaited<ReturnType<typeof startLab>>;
  let libvirt: TestLibvirt;
  let work: string;
  let base: string[];

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2735), dir: join(tmpdir(), 'betif-lab-virt') });
    const root = lab.hosts[0].root;
    // The host's libvirt: a test-driver libvirtd whose socket is at /run/libvirt-test inside the host.
    libvirt = await startTestLibvirt(join(root, 'run', 'libvirt-test'));
    mkdirSync(join(root, 'srv'), { recursive: true });
    // libosinfo (virt-install --osinfo) reads /usr/share/misc/usb.ids, a link into the host's own /var.
    mkdirSync(join(root, 'var', 'lib', 'usbutils'), { recursive: true });
    copyFileSync('/var/lib/usbutils/usb.ids', join(root, 'var', 'lib', 'usbutils', 'usb.ids'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(root, 'srv', 'base.qcow2'), '64M']);
    work = scratchDir('betif-virt-play-');
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await libvirt?.stop();
    await lab?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('--check changes nothing, the first run defines both, the second changes nothing', async () => {
    const overlay = join(lab.hosts[0].root, 'srv', 'node1.qcow2');
    const checked = await betifPlay([...base, '--check']);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.equal(parseRecap(checked.stdout).h1.changed, 2, checked.stdout);
    assert.equal(existsSync(overlay), false);
    assert.doesNotMatch(virsh(libvirt.uri, 'list', '--all', '--name'), /node1/);
    assert.doesNotMatch(virsh(libvirt.uri, 'net-list', '--all', '--name'), /labnet/);

    const first = await betifPlay(base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h1.changed, 2, first.stdout);
    assert.equal(imageInfo(overlay)['backing-filename'], '/srv/base.qcow2');
    assert.equal(virsh(libvirt.uri, 'domstate', 'node1'), 'running');
    assert.match(virsh(libvirt.uri, 'dumpxml', '--inactive', 'node1'), /<source network='labnet'\/>[\s\S]*<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'\/>/);
    assert.match(virsh(libvirt.uri, 'net-info', 'labnet'), /Active:\s+yes[\s\S]*Autostart:\s+yes/);

    const second = await betifPlay(base);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
