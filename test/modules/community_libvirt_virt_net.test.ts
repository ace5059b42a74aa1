import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
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

  test('command get_xml returns the XML libvirt describes; an unknown network or no name fails as the collection does', async () => {
    const { result } = await runModule(virtNet, { command: 'get_xml', name: 'default', uri: 'test:///default' });
    assert.equal(result.changed, false);
    assert.equal(`${result.get_xml}\n`, execFileSync('virsh', ['-c', 'test:///default', 'net-dumpxml', 'default'], { encoding: 'utf8' }));
    assert.match(String(result.get_xml), /^<network>\n[\s\S]*<forward mode='nat'\/>[\s\S]*<\/network>\n$/);
    const unknown = await runModule(virtNet, { command: 'get_xml', network: 'nope', uri: 'test:///default' });
    assert.deepEqual([unknown.result.failed, unknown.result.msg], [true, 'network nope not found']);
    const nameless = await runModule(virtNet, { command: 'get_xml', uri: 'test:///default' });
    assert.deepEqual([nameless.result.failed, nameless.result.msg], [true, 'command is get_xml but all of the following are missing: name']);
  });

  test('commands info and facts fail on the test driver with libvirt\'s message, as the collection does (it has no DHCP leases)', async () => {
    for (const command of ['info', 'facts']) {
      const { result } = await runModule(virtNet, { command, uri: 'test:///default' });
      assert.deepEqual([result.failed, result.msg], [true, 'this function is not supported by the connection driver: virNetworkGetDHCPLeases']);
    }
  });

  test('commands info and facts report each network as the collection does (with a virsh stand-in answering net-dhcp-leases)', async () => {
    const bin = join(work, 'leases-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'virsh'),
      `#!/bin/sh\ncase " $* " in *" net-dhcp-leases "*)\n  printf ' Expiry Time           MAC address         Protocol   IP address          Hostname   Client ID or DUID\\n------------------------------------------------------------------------------------------------------\\n 2024-05-01 10:00:00   52:54:00:aa:bb:cc   ipv4       192.168.122.5/24    web        -\\n\\n'; exit 0;;\nesac\nexec /usr/bin/virsh "$@"\n`,
      { mode: 0o755 },
    );
    const connection = withEnvironment(new LocalConnection('localhost'), { PATH: `${bin}:${process.env.PATH}` });
    const expected = {
      default: {
        autostart: 'no',
        persistent: 'yes',
        state: 'active',
        bridge: 'virbr0',
        uuid: 'dd8fe884-6c02-601e-7551-cca97df1c5df',
        dhcp_leases: [{ iface: 'virbr0', expirytime: Math.floor(new Date('2024-05-01T10:00:00').getTime() / 1000), type: 0, mac: '52:54:00:aa:bb:cc', iaid: null, ipaddr: '192.168.122.5', prefix: 24, hostname: 'web', clientid: null }],
        forward_mode: 'nat',
      },
    };
    const info = await runModule(virtNet, { command: 'info', uri: 'test:///default' }, { connection });
    assert.deepEqual(info.result, { changed: false, networks: expected });
    const facts = await runModule(virtNet, { command: 'facts', name: 'default', uri: 'test:///default' }, { connection });
    assert.deepEqual(facts.result.ansible_facts, { ansible_libvirt_networks: expected });
  });

  test('bad arguments are refused before libvirt is asked', async () => {
    await assert.rejects(runModule(virtNet, { name: 'betif', command: 'reboot' }), /argument 'command' must be one of/);
    await assert.rejects(runModule(virtNet, { name: 'betif', state: 'active', xmll: XML }), /unsupported argument 'xmll' .*did you mean 'xml'/);
  });
});
