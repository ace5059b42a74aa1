import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import virtNet from '../../src/modules/virt/virt_net.js';
import { startTestLibvirt, type TestLibvirt } from '../fixtures/libvirt/test-daemon.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

function virsh(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' }).trim();
}

function netInfo(uri: string, name: string): Record<string, string> {
  return Object.fromEntries(
    virsh(uri, 'net-info', '--network', name)
      .split('\n')
      .map((line) => line.split(/:\s+/) as [string, string]),
  );
}

describe('virt_net', () => {
  let work: string;
  let libvirt: TestLibvirt;
  let uri: string;

  before(async () => {
    work = scratchDir('betif-virt-net-');
    libvirt = await startTestLibvirt(join(work, 'libvirt'));
    uri = libvirt.uri;
  });

  after(async () => {
    await libvirt?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const fields = (name: string, extra: Record<string, unknown> = {}) => ({
    uri,
    name,
    bridge: `br-${name}`,
    ip: '192.168.150.1',
    netmask: '255.255.255.0',
    dhcp_start: '192.168.150.10',
    dhcp_end: '192.168.150.100',
    ...extra,
  });

  test('defines, starts and autostarts a NAT network from fields, then has nothing to do', async () => {
    const args = fields('lab', { state: 'active', autostart: true });
    const first = await runModule(virtNet, args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.deepEqual(first.result, { changed: true, name: 'lab', state: 'active', autostart: true });
    assert.deepEqual(first.diff, [
      {
        before: 'state: absent\n',
        after:
          'forward: nat\nbridge: br-lab\nip: 192.168.150.1\nnetmask: 255.255.255.0\ndhcp_start: 192.168.150.10\ndhcp_end: 192.168.150.100\nstate: active\nautostart: true\n',
        beforeHeader: `network lab (${uri})`,
        afterHeader: `network lab (${uri})`,
      },
    ]);
    const info = netInfo(uri, 'lab');
    assert.equal(info.Active, 'yes');
    assert.equal(info.Autostart, 'yes');
    assert.equal(info.Bridge, 'br-lab');
    const xml = virsh(uri, 'net-dumpxml', 'lab');
    assert.match(xml, /<forward mode='nat'\/>/);
    assert.match(xml, /<ip address='192.168.150.1' netmask='255.255.255.0'>\s*<dhcp>\s*<range start='192.168.150.10' end='192.168.150.100'\/>/);

    const second = await runModule(virtNet, args);
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('check mode reports the new network and defines nothing', async () => {
    const { result, diff } = await runModule(virtNet, fields('unborn', { state: 'active' }), { check: true });
    assert.equal(result.changed, true);
    assert.match(diff[0].after, /state: active\n$/);
    assert.doesNotMatch(virsh(uri, 'net-list', '--all', '--name'), /unborn/);
  });

  test('field drift is shown field by field and redefined, keeping what the fields do not mention', async () => {
    const args = fields('drift');
    await runModule(virtNet, args);
    const uuid = virsh(uri, 'net-uuid', 'drift');
    const changed = { ...args, dhcp_end: '192.168.150.200', forward: 'route' };

    const checked = await runModule(virtNet, changed, { check: true });
    assert.equal(checked.result.changed, true);
    assert.match(virsh(uri, 'net-dumpxml', 'drift'), /end='192.168.150.100'/);

    const { result, diff } = await runModule(virtNet, changed);
    assert.equal(result.changed, true);
    assert.equal(diff[0].before, 'forward: nat\nbridge: br-drift\nip: 192.168.150.1\nnetmask: 255.255.255.0\ndhcp_start: 192.168.150.10\ndhcp_end: 192.168.150.100\n');
    assert.equal(diff[0].after, 'forward: route\nbridge: br-drift\nip: 192.168.150.1\nnetmask: 255.255.255.0\ndhcp_start: 192.168.150.10\ndhcp_end: 192.168.150.200\n');
    const xml = virsh(uri, 'net-dumpxml', 'drift');
    assert.match(xml, /<forward mode='route'\/>/);
    assert.match(xml, /end='192.168.150.200'/);
    assert.equal(virsh(uri, 'net-uuid', 'drift'), uuid);
    assert.equal((await runModule(virtNet, changed)).result.changed, false);

    const isolated = await runModule(virtNet, { ...changed, forward: 'none' });
    assert.equal(isolated.result.changed, true);
    assert.doesNotMatch(virsh(uri, 'net-dumpxml', 'drift'), /<forward/);
    assert.equal((await runModule(virtNet, { ...changed, forward: 'none' })).result.changed, false);
  });

  test('redefining an active network says that it applies after a restart', async () => {
    await runModule(virtNet, fields('busy', { state: 'active' }));
    const { result } = await runModule(virtNet, fields('busy', { state: 'active', dhcp_start: '192.168.150.20' }), { check: true });
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'network busy is active: its changed definition applies once it is restarted (virsh net-destroy, net-start)');
  });

  test('a network given as XML is compared by the fields the XML sets', async () => {
    const xml = `<network>
  <name>byxml</name>
  <forward mode='nat'/>
  <bridge name='br-byxml'/>
  <dns><host ip='192.168.160.2'><hostname>gpu-node-1</hostname></host></dns>
  <ip address='192.168.160.1' netmask='255.255.255.0'><dhcp><range start='192.168.160.10' end='192.168.160.50'/></dhcp></ip>
</network>`;
    const first = await runModule(virtNet, { uri, name: 'byxml', xml, state: 'active' });
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.match(virsh(uri, 'net-dumpxml', 'byxml'), /<hostname>gpu-node-1<\/hostname>/);
    // libvirt adds a uuid, stp and delay on the bridge ...: not drift.
    assert.equal((await runModule(virtNet, { uri, name: 'byxml', xml, state: 'active' })).result.changed, false);

    const edited = xml.replace('gpu-node-1', 'gpu-node-2');
    const { result, diff } = await runModule(virtNet, { uri, name: 'byxml', xml: edited }, { check: true });
    assert.equal(result.changed, true);
    assert.match(diff[0].before, /^dns\.host\.hostname: gpu-node-1$/m);
    assert.match(diff[0].after, /^dns\.host\.hostname: gpu-node-2$/m);

    const misnamed = await runModule(virtNet, { uri, name: 'other', xml });
    assert.equal(misnamed.result.msg, "xml defines network 'byxml', but name is 'other'");
    const mixed = await runModule(virtNet, { uri, name: 'byxml', xml, bridge: 'br0' });
    assert.equal(mixed.result.msg, 'xml and bridge are mutually exclusive: give the whole definition as xml, or the fields');
  });

  test('autostart off, then state absent removes the network', async () => {
    const args = fields('gone', { state: 'active', autostart: true });
    await runModule(virtNet, args);
    const off = await runModule(virtNet, { ...args, autostart: false });
    assert.equal(off.result.changed, true);
    assert.equal(netInfo(uri, 'gone').Autostart, 'no');

    const removed = await runModule(virtNet, { uri, name: 'gone', state: 'absent' });
    assert.equal(removed.result.changed, true);
    assert.equal(removed.diff[0].before, 'state: active\n');
    assert.doesNotMatch(virsh(uri, 'net-list', '--all', '--name'), /^gone$/m);
    assert.equal((await runModule(virtNet, { uri, name: 'gone', state: 'absent' })).result.changed, false);
  });

  test('a name carrying shell syntax is data', async () => {
    rmSync('/tmp/pwned-virt', { force: true });
    const refused = await runModule(virtNet, { uri, name: 'net; touch /tmp/pwned-virt', forward: 'none' });
    assert.equal(refused.result.failed, true);
    assert.match(String(refused.result.msg), /^virsh net-define failed: .*invalid char in name: \//);
    assert.equal(existsSync('/tmp/pwned-virt'), false);

    const name = 'net; touch pwned-virt $(touch pwned-virt)';
    const args = { uri, name, forward: 'none', state: 'active' };
    const first = await runModule(virtNet, args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.ok(virsh(uri, 'net-list', '--all', '--name').split('\n').includes(name));
    assert.equal((await runModule(virtNet, args)).result.changed, false);
    assert.equal((await runModule(virtNet, { uri, name, state: 'absent' })).result.changed, true);
    assert.equal(existsSync('pwned-virt'), false);
  });

  test('bad arguments are rejected before libvirt is asked', async () => {
    await assert.rejects(runModule(virtNet, { name: 'n', bridg: 'br0' }), (error: ArgumentError) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'bridg' for module 'virt_net' \(did you mean 'bridge'\?\)/);
      return true;
    });
    await assert.rejects(runModule(virtNet, { name: 'n', autostart: 'sometimes' }), /argument 'autostart' must be boolean/);
    await assert.rejects(runModule(virtNet, { bridge: 'br0' }), /missing required argument 'name' for module 'virt_net'/);
    await assert.rejects(runModule(virtNet, { name: 'n', forward: 'masquerade' }), /argument 'forward' must be one of: nat, route, open, bridge, none/);
    await assert.rejects(runModule(virtNet, { name: 'n', ip: '192.168.1.1', dhcp_start: '192.168.1.10' }), /arguments must have properties ip, dhcp_end when property dhcp_start is present/);
    await assert.rejects(runModule(virtNet, { name: 'n', ip: 'gateway' }), /argument 'ip' must match pattern/);
  });
});
