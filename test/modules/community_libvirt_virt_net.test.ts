import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import virtNet from '../../src/modules/virt/community_libvirt_virt_net.js';
import { startTestLibvirt, type TestLibvirt } from '../fixtures/libvirt/test-daemon.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const XML = `<network>
  <name>betif</name>
  <forward mode='nat'/>
  <bridge name='virbr-betif'/>
  <ip address='10.10.142.1' netmask='255.255.255.0'>
    <dhcp><range start='10.10.142.100' end='10.10.142.200'/></dhcp>
  </ip>
</network>
`;

describe('community.libvirt.virt_net', () => {
  let work: string;
  let libvirt: TestLibvirt;

  before(async () => {
    work = scratchDir('betif-community-virt-net-');
    libvirt = await startTestLibvirt(join(work, 'libvirt'));
  });

  after(async () => {
    await libvirt?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', libvirt.uri, ...args], { encoding: 'utf8' });

  test('command define, then state active and autostart, as the collection\'s playbooks write them; second runs change nothing (libvirt test driver)', async () => {
    const uri = libvirt.uri;
    const checked = await runModule(virtNet, { command: 'define', name: 'betif', xml: XML, uri }, { check: true });
    assert.equal(checked.result.changed, true);
    assert.doesNotMatch(virsh('net-list', '--all', '--name'), /betif/);

    const defined = await runModule(virtNet, { command: 'define', name: 'betif', xml: XML, uri });
    assert.equal(defined.result.changed, true, String(defined.result.msg));
    assert.match(virsh('net-dumpxml', 'betif'), /10\.10\.142\.1/);
    assert.equal((await runModule(virtNet, { command: 'define', name: 'betif', xml: XML, uri })).result.changed, false);

    const active = await runModule(virtNet, { state: 'active', name: 'betif', uri });
    assert.equal(active.result.changed, true);
    const autostart = await runModule(virtNet, { autostart: true, network: 'betif', uri });
    assert.equal(autostart.result.changed, true);
    assert.match(virsh('net-info', 'betif'), /Active:\s+yes[\s\S]*Autostart:\s+yes/);
    assert.equal((await runModule(virtNet, { state: 'active', name: 'betif', autostart: true, uri })).result.changed, false);

    const undefined_ = await runModule(virtNet, { command: 'undefine', name: 'betif', uri });
    assert.equal(undefined_.result.changed, true);
    assert.doesNotMatch(virsh('net-list', '--all', '--name'), /betif/);
  });

  test('neither state nor command nor autostart fails with the collection\'s message', async () => {
    const { result } = await runModule(virtNet, { name: 'betif', uri: libvirt.uri });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'expected state or command parameter to be specified');
  });

  test('command list_nets lists the network names (state active: only the active ones), changing nothing', async () => {
    const all = await runModule(virtNet, { command: 'list_nets', uri: 'test:///default' });
    assert.deepEqual(all.result, { changed: false, list_nets: ['default'] });
    const active = await runModule(virtNet, { command: 'list_nets', state: 'active', uri: 'test:///default' });
    assert.deepEqual(active.result.list_nets, ['default']);
  });

  test('bad arguments are refused before libvirt is asked', async () => {
    await assert.rejects(runModule(virtNet, { name: 'betif', command: 'reboot' }), /argument 'command' must be one of/);
    await assert.rejects(runModule(virtNet, { name: 'betif', state: 'active', xmll: XML }), /unsupported argument 'xmll' .*did you mean 'xml'/);
  });
});
