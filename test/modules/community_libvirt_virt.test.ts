import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import virt from '../../src/modules/virt/community_libvirt_virt.js';
import { startTestLibvirt, type TestLibvirt } from '../fixtures/libvirt/test-daemon.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const guestXml = (name: string, memoryKiB = 1048576): string => `<domain type='test'>
  <name>${name}</name>
  <memory unit='KiB'>${memoryKiB}</memory>
  <vcpu>1</vcpu>
  <os><type>hvm</type></os>
</domain>
`;

describe('community.libvirt.virt', () => {
  let work: string;
  let libvirt: TestLibvirt;

  before(async () => {
    work = scratchDir('betif-community-virt-');
    libvirt = await startTestLibvirt(join(work, 'libvirt'));
  });

  after(async () => {
    await libvirt?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', libvirt.uri, ...args], { encoding: 'utf8' }).trim();
  const run = (args: Record<string, unknown>, check = false) => runModule(virt, { uri: libvirt.uri, ...args }, { check });

  test('define from XML with autostart, start it, and nothing to do the second time (libvirt test driver)', async () => {
    const checked = await run({ command: 'define', xml: guestXml('worker1'), autostart: true }, true);
    assert.equal(checked.result.changed, true);
    assert.deepEqual(checked.diff[0], { before: 'state: absent\n', after: 'state: shutdown\nautostart: true\n', beforeHeader: `guest worker1 (${libvirt.uri})`, afterHeader: `guest worker1 (${libvirt.uri})` });
    assert.doesNotMatch(virsh('list', '--all', '--name'), /worker1/);

    const defined = await run({ command: 'define', xml: guestXml('worker1'), autostart: true });
    assert.equal(defined.result.changed, true, String(defined.result.msg));
    assert.equal(defined.result.created, 'worker1');
    assert.match(virsh('dominfo', 'worker1'), /Autostart:\s+enable/);
    assert.equal((await run({ command: 'define', xml: guestXml('worker1'), autostart: true })).result.changed, false);

    const started = await run({ name: 'worker1', state: 'running' });
    assert.equal(started.result.changed, true);
    assert.equal(virsh('domstate', 'worker1'), 'running');
    assert.equal((await run({ name: 'worker1', state: 'running' })).result.changed, false);
    assert.deepEqual((await run({ name: 'worker1', command: 'status' })).result, { changed: false, status: 'running' });
  });

  test('a changed definition is redefined with the change reason (libvirt test driver)', async () => {
    await run({ command: 'define', xml: guestXml('worker2') });
    const changed = await run({ command: 'define', xml: guestXml('worker2', 2097152) });
    assert.equal(changed.result.changed, true, String(changed.result.msg));
    assert.equal(changed.result.change_reason, 'config changed');
    assert.match(virsh('dumpxml', '--inactive', 'worker2'), /2097152/);
  });

  test('pause, destroy and undefine, each once (libvirt test driver)', async () => {
    await run({ command: 'define', xml: guestXml('worker3') });
    await run({ guest: 'worker3', state: 'running' });
    assert.equal((await run({ name: 'worker3', state: 'paused' })).result.changed, true);
    assert.equal(virsh('domstate', 'worker3'), 'paused');
    assert.equal((await run({ name: 'worker3', state: 'destroyed' })).result.changed, true);
    assert.equal(virsh('domstate', 'worker3'), 'shut off');
    assert.equal((await run({ name: 'worker3', state: 'destroyed' })).result.changed, false);
    assert.equal((await run({ name: 'worker3', command: 'undefine' })).result.changed, true);
    assert.doesNotMatch(virsh('list', '--all', '--name'), /worker3/);
    assert.equal((await run({ name: 'worker3', command: 'undefine' })).result.changed, false);
  });

  test('list_vms lists guests, by state when one is given (libvirt test driver)', async () => {
    await run({ command: 'define', xml: guestXml('idle1') });
    const all = (await run({ command: 'list_vms' })).result.list_vms as string[];
    assert.ok(all.includes('idle1'));
    const running = (await run({ command: 'list_vms', state: 'running' })).result.list_vms as string[];
    assert.ok(!running.includes('idle1'));
  });

  test('the collection\'s messages for missing pieces, and a guest that does not exist', async () => {
    assert.equal((await run({ command: 'define' })).result.msg, 'define requires xml argument');
    assert.equal((await run({ state: 'running' })).result.msg, 'state change requires a guest specified');
    assert.equal((await run({ name: 'x' })).result.msg, 'expected state or command parameter to be specified');
    assert.equal((await run({ name: 'nosuch', state: 'running' })).result.msg, 'domain nosuch not found');
    await assert.rejects(run({ name: 'x', state: 'on' }), /argument 'state' must be one of/);
  });

  test('a name carrying shell syntax is data', async () => {
    const { result } = await run({ name: 'x; touch /tmp/pwned-virt-guest', state: 'running' });
    assert.equal(result.msg, 'domain x; touch /tmp/pwned-virt-guest not found');
    assert.throws(() => execFileSync('test', ['-e', '/tmp/pwned-virt-guest']));
  });
});
