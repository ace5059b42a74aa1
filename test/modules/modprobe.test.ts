import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import type { Connection, ExecOptions } from '../../src/connection/types.js';
import { ArgumentError } from '../../src/modules/args.js';
import modprobe from '../../src/modules/kernel/modprobe.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

/*
 * Each command runs in a private mount namespace where /sys/module, /etc/modprobe.d and
 * /etc/modules-load.d are scratch folders (and /proc/modules, where it exists, an empty file):
 * the module reads and writes the real paths, the stand-in modprobe "loads" into that /sys/module.
 * /bin/mount by its path: test/lab/standins, on PATH for modprobe and dracut, holds a mount stand-in too.
 */
const PRIVATE_HOST = `set -e
/bin/mount --bind "$1" /sys/module
/bin/mount --bind "$2" /etc/modprobe.d
/bin/mount --bind "$3" /etc/modules-load.d
if [ -e /proc/modules ]; then /bin/mount --bind "$4" /proc/modules; fi
shift 4
exec "$@"`;

function standInHost() {
  const root = scratchDir('betif-modprobe-');
  const folders = ['sys-module', 'modprobe.d', 'modules-load.d'].map((name) => join(root, name));
  for (const folder of folders) mkdirSync(folder);
  writeFileSync(join(root, 'proc-modules'), '');
  const mounts = [...folders, join(root, 'proc-modules')];
  const logs = { modprobe: join(root, 'modprobe.log'), dracut: join(root, 'dracut.log') };
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, LAB_MODPROBE_LOG: logs.modprobe, LAB_DRACUT_LOG: logs.dracut };
  const local: Connection = new LocalConnection('localhost');
  const connection: Connection = {
    host: local.host,
    exec: (argv: readonly string[], options: ExecOptions = {}) =>
      local.exec(['unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', PRIVATE_HOST, 'sh', ...mounts, ...argv], { ...options, env: { ...env, ...options.env } }),
    reconnect: (timeoutMs) => local.reconnect(timeoutMs),
    close: () => local.close(),
  };
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  const lines = (path: string) => read(path)?.trim().split('\n') ?? [];
  return {
    connection,
    modulesLoad: (name: string) => read(join(folders[2], `${name}.conf`)),
    options: (name: string) => read(join(folders[1], `${name}.conf`)),
    blacklist: (name: string) => read(join(folders[1], `blacklist-${name}.conf`)),
    loaded: (name: string) => existsSync(join(folders[0], name)),
    parameter: (name: string, key: string) => read(join(folders[0], name, 'parameters', key)),
    modprobeCalls: () => lines(logs.modprobe),
    dracutCalls: () => lines(logs.dracut),
  };
}

describe('modprobe', () => {
  test('loads a module, makes it load at boot with its options, rebuilds the initramfs once (with a stand-in)', async () => {
    const host = standInHost();
    const args = { name: 'vfio-pci', params: 'ids=10de:2204,10de:1aef disable_vga=1', persistent: 'present', initramfs: true };
    const first = await runModule(modprobe, args, { connection: host.connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.loaded, true);
    assert.equal(first.result.initramfs_rebuilt, true);
    assert.equal(host.loaded('vfio_pci'), true);
    assert.equal(host.parameter('vfio_pci', 'ids'), '10de:2204,10de:1aef\n');
    assert.equal(host.modulesLoad('vfio-pci'), 'vfio-pci\n');
    assert.equal(host.options('vfio-pci'), 'options vfio-pci ids=10de:2204,10de:1aef disable_vga=1\n');
    assert.deepEqual(host.modprobeCalls(), ['modprobe -- vfio-pci ids=10de:2204,10de:1aef disable_vga=1']);
    assert.deepEqual(host.dracutCalls(), ['dracut -f']);

    const second = await runModule(modprobe, args, { connection: host.connection });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.initramfs_rebuilt, false);
    assert.equal(host.modprobeCalls().length, 1);
    assert.deepEqual(host.dracutCalls(), ['dracut -f']);
  });

  test('check mode shows the load and each file, and changes nothing (with a stand-in)', async () => {
    const host = standInHost();
    const args = { name: 'vfio-pci', params: { ids: '10de:2204', disable_vga: 1 }, persistent: 'present', initramfs: true };
    const { result, diff } = await runModule(modprobe, args, { connection: host.connection, check: true });
    assert.equal(result.changed, true);
    assert.deepEqual(result.files_changed, ['/etc/modules-load.d/vfio-pci.conf', '/etc/modprobe.d/vfio-pci.conf']);
    assert.deepEqual(diff, [
      { before: '{\n    "state": "absent"\n}\n', after: '{\n    "state": "present"\n}\n', beforeHeader: 'vfio-pci (kernel module)', afterHeader: 'vfio-pci (kernel module)' },
      { before: '', after: 'vfio-pci\n', beforeHeader: '/etc/modules-load.d/vfio-pci.conf', afterHeader: '/etc/modules-load.d/vfio-pci.conf' },
      { before: '', after: 'options vfio-pci ids=10de:2204 disable_vga=1\n', beforeHeader: '/etc/modprobe.d/vfio-pci.conf', afterHeader: '/etc/modprobe.d/vfio-pci.conf' },
    ]);
    assert.equal(host.loaded('vfio_pci'), false);
    assert.equal(host.modulesLoad('vfio-pci'), undefined);
    assert.deepEqual(host.modprobeCalls(), []);
    assert.deepEqual(host.dracutCalls(), []);
  });

  test('blacklists nouveau with modeset=0 and leaves the running kernel alone (with a stand-in)', async () => {
    const host = standInHost();
    const args = { name: 'nouveau', blacklist: true, params: 'modeset=0', initramfs: true };
    const first = await runModule(modprobe, args, { connection: host.connection });
    assert.equal(first.result.changed, true);
    assert.equal(host.blacklist('nouveau'), 'blacklist nouveau\noptions nouveau modeset=0\n');
    assert.deepEqual(host.modprobeCalls(), []);
    assert.deepEqual(host.dracutCalls(), ['dracut -f']);

    const second = await runModule(modprobe, args, { connection: host.connection });
    assert.equal(second.result.changed, false);
    assert.deepEqual(host.dracutCalls(), ['dracut -f']);

    const lifted = await runModule(modprobe, { name: 'nouveau', blacklist: false, state: 'absent' }, { connection: host.connection });
    assert.equal(lifted.result.changed, true);
    assert.equal(host.blacklist('nouveau'), undefined);
    assert.deepEqual(host.dracutCalls(), ['dracut -f'], 'initramfs was not asked for');
  });

  test('state absent unloads; persistent absent removes the boot files (with a stand-in)', async () => {
    const host = standInHost();
    await runModule(modprobe, { name: 'vfio-pci', params: 'ids=10de:2204', persistent: 'present' }, { connection: host.connection });
    const args = { name: 'vfio-pci', state: 'absent', persistent: 'absent' };
    const removed = await runModule(modprobe, args, { connection: host.connection });
    assert.equal(removed.result.changed, true);
    assert.equal(removed.result.loaded, false);
    assert.equal(host.loaded('vfio_pci'), false);
    assert.equal(host.modulesLoad('vfio-pci'), undefined);
    assert.equal(host.options('vfio-pci'), undefined);
    assert.deepEqual(host.modprobeCalls(), ['modprobe -- vfio-pci ids=10de:2204', 'modprobe -r -- vfio-pci']);
    assert.equal((await runModule(modprobe, args, { connection: host.connection })).result.changed, false);
    assert.equal(host.modprobeCalls().length, 2);
  });

  test('failures carry modprobe\'s message; contradictory requests are refused (with a stand-in)', async () => {
    const host = standInHost();
    const missing = await runModule(modprobe, { name: 'no;such', persistent: 'present' }, { connection: host.connection });
    assert.equal(missing.result.failed, true);
    assert.match(String(missing.result.msg), /^modprobe -- no;such failed: modprobe: FATAL: Module no;such not found in directory \/lib\/modules\//);
    assert.equal(host.modulesLoad('no;such'), undefined, 'nothing is made persistent when loading fails');
    const both = await runModule(modprobe, { name: 'nouveau', blacklist: true, state: 'present' }, { connection: host.connection });
    assert.equal(both.result.msg, 'nouveau cannot be blacklisted and loaded (state: present) at once');
    const atBoot = await runModule(modprobe, { name: 'nouveau', blacklist: true, persistent: 'present' }, { connection: host.connection });
    assert.equal(atBoot.result.msg, 'nouveau cannot be blacklisted and loaded at boot (persistent: present) at once');
  });

  test('names and params are data, never shell (with a stand-in)', async () => {
    const host = standInHost();
    const tag = `pwned-modprobe-${process.pid}`;
    const params = `ids=10de:2204 note="x; touch /tmp/${tag}" other=$(touch${'$'}{IFS}/tmp/${tag})`;
    const { result } = await runModule(modprobe, { name: 'vfio-pci', params, persistent: 'present' }, { connection: host.connection });
    assert.equal(result.changed, true);
    assert.equal(host.parameter('vfio_pci', 'note'), `x; touch /tmp/${tag}\n`);
    assert.equal(host.parameter('vfio_pci', 'other'), `$(touch\${IFS}/tmp/${tag})\n`);
    assert.equal(host.options('vfio-pci'), `options vfio-pci ${params}\n`);
    await runModule(modprobe, { name: `x;touch${'$'}{IFS}${tag}` }, { connection: host.connection });
    for (const where of ['/tmp', process.cwd()]) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments are rejected before touching the host', async () => {
    await assert.rejects(runModule(modprobe, { name: 'vfio-pci', param: 'ids=1' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'param' for module 'modprobe' \(did you mean 'params'\?\)/);
      return true;
    });
    await assert.rejects(runModule(modprobe, { params: 'ids=1' }), /missing required argument 'name' for module 'modprobe'/);
    await assert.rejects(runModule(modprobe, { name: 'nouveau', blacklist: 'maybe' }), /argument 'blacklist' must be boolean/);
    await assert.rejects(runModule(modprobe, { name: 'nouveau', persistent: 'yes' }), /argument 'persistent' must be one of: disabled, present, absent/);
    await assert.rejects(runModule(modprobe, { name: '../../etc/passwd' }), /argument 'name' must match pattern/);
  });
});
