import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import { ArgumentError } from '../../src/modules/args.js';
import grubby from '../../src/modules/kernel/grubby.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));
const MACHINE_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const BASE_OPTIONS = 'root=UUID=7c1f4d2e-1111-2222-3333-444455556666 ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rhgb quiet';
const NEW = '5.14.0-427.13.1.el9_4.x86_64';
const OLD = '5.14.0-362.8.1.el9_3.x86_64';
const RESCUE = '0-rescue-9a8b7c6d';

/** A machine whose grubby is the stand-in, over a folder of real BLS entries (AlmaLinux 9 style). */
function standInBoot(options: Record<string, string>) {
  const root = scratchDir('betif-grubby-');
  const entries = join(root, 'loader', 'entries');
  mkdirSync(entries, { recursive: true });
  const file = (version: string) => join(entries, `${MACHINE_ID}-${version}.conf`);
  for (const [version, args] of Object.entries(options)) {
    writeFileSync(
      file(version),
      `title AlmaLinux (${version}) 9.4 (Seafoam Ocelot)\nversion ${version}\nlinux /boot/vmlinuz-${version}\ninitrd /boot/initramfs-${version}.img\noptions ${args}\ngrub_users $grub_users\ngrub_arg --unrestricted\ngrub_class almalinux\n`,
    );
  }
  const log = join(root, 'grubby.log');
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, GRUBBY_BLS_DIR: entries, GRUBBY_ENV: join(root, 'grubenv'), LAB_GRUBBY_LOG: log };
  return {
    connection: withEnvironment(new LocalConnection('localhost'), env),
    options: (version: string) => /^options (.*)$/m.exec(readFileSync(file(version), 'utf8'))?.[1],
    setDefault: (version: string) => writeFileSync(env.GRUBBY_ENV, `# GRUB Environment Block\nsaved_entry=${MACHINE_ID}-${version}\n`),
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

const runningCmdline = () => readFileSync('/proc/cmdline', 'utf8').trim().split(/\s+/);

describe('grubby', () => {
  test('fixes every boot entry, also when only some lack the args (with a stand-in)', async () => {
    const boot = standInBoot({
      [NEW]: BASE_OPTIONS,
      [OLD]: `${BASE_OPTIONS.replace(' rhgb', ' intel_iommu=on rhgb')}`,
      [RESCUE]: `${BASE_OPTIONS} intel_iommu=on iommu=pt`,
    });
    const args = { args: 'intel_iommu=on iommu=pt' };
    const first = await runModule(grubby, args, { connection: boot.connection });
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.updated, [`/boot/vmlinuz-${NEW}`, `/boot/vmlinuz-${OLD}`]);
    assert.equal(first.result.reboot_required, true);
    for (const version of [NEW, OLD, RESCUE]) assert.equal(boot.options(version), `${BASE_OPTIONS} intel_iommu=on iommu=pt`, version);
    assert.deepEqual(boot.calls(), ['grubby --update-kernel=ALL --args=intel_iommu=on iommu=pt']);

    const second = await runModule(grubby, { args: ['intel_iommu=on', 'iommu=pt'] }, { connection: boot.connection });
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.result.updated, []);
    assert.equal(second.result.reboot_required, true, 'the running kernel still lacks the args until a reboot');
    assert.equal(boot.calls().length, 1);
  });

  test('check mode shows each entry\'s args before and after and changes nothing (with a stand-in)', async () => {
    const boot = standInBoot({ [NEW]: BASE_OPTIONS, [RESCUE]: `${BASE_OPTIONS} intel_iommu=on iommu=pt` });
    const { result, diff } = await runModule(grubby, { args: ['intel_iommu=on iommu=pt'], remove_args: 'rhgb' }, { connection: boot.connection, check: true, diff: true });
    assert.equal(result.changed, true);
    assert.equal(boot.options(NEW), BASE_OPTIONS);
    assert.deepEqual(boot.calls(), []);
    const header = (version: string) => `/boot/vmlinuz-${version} (args)`;
    const lines = (text: string) => `${text.split(' ').join('\n')}\n`;
    assert.deepEqual(diff, [
      { before: lines(BASE_OPTIONS), after: lines(`${BASE_OPTIONS.replace(' rhgb', '')} intel_iommu=on iommu=pt`), beforeHeader: header(NEW), afterHeader: header(NEW) },
      { before: lines(`${BASE_OPTIONS} intel_iommu=on iommu=pt`), after: lines(`${BASE_OPTIONS.replace(' rhgb', '')} intel_iommu=on iommu=pt`), beforeHeader: header(RESCUE), afterHeader: header(RESCUE) },
    ]);
  });

  test('remove_args takes bare keys with any value and exact key=value pairs (with a stand-in)', async () => {
    const boot = standInBoot({ [NEW]: `${BASE_OPTIONS} betif.debug=1 nomodeset`, [OLD]: BASE_OPTIONS });
    const keep = runningCmdline()[0];
    const args = { args: keep, remove_args: ['crashkernel betif.debug', 'nomodeset=1', 'rhgb'] };
    const first = await runModule(grubby, args, { connection: boot.connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.reboot_required, false, `the running kernel has ${keep} and none of the removed args`);
    const expected = (rest: string) => `root=UUID=7c1f4d2e-1111-2222-3333-444455556666 ro quiet${rest} ${keep}`;
    assert.equal(boot.options(NEW), expected(' nomodeset'));
    assert.equal(boot.options(OLD), expected(''));
    assert.deepEqual(boot.calls(), [`grubby --update-kernel=ALL --args=${keep} --remove-args=crashkernel betif.debug rhgb`]);
    assert.equal((await runModule(grubby, args, { connection: boot.connection })).result.changed, false);
  });

  test('kernel DEFAULT or a kernel path touches only that entry (with a stand-in)', async () => {
    const boot = standInBoot({ [NEW]: BASE_OPTIONS, [OLD]: BASE_OPTIONS, [RESCUE]: BASE_OPTIONS });
    boot.setDefault(OLD);
    const byDefault = await runModule(grubby, { args: 'iommu=pt', kernel: 'DEFAULT' }, { connection: boot.connection });
    assert.equal(byDefault.result.changed, true);
    assert.deepEqual(byDefault.result.updated, [`/boot/vmlinuz-${OLD}`]);
    assert.equal(boot.options(OLD), `${BASE_OPTIONS} iommu=pt`);
    assert.equal(boot.options(NEW), BASE_OPTIONS);
    assert.equal((await runModule(grubby, { args: 'iommu=pt', kernel: 'DEFAULT' }, { connection: boot.connection })).result.changed, false);

    const byPath = await runModule(grubby, { args: 'iommu=pt', kernel: `/boot/vmlinuz-${RESCUE}` }, { connection: boot.connection });
    assert.equal(byPath.result.changed, true);
    assert.equal(boot.options(RESCUE), `${BASE_OPTIONS} iommu=pt`);
    assert.equal(boot.options(NEW), BASE_OPTIONS);
    assert.deepEqual(boot.calls(), ['grubby --update-kernel=DEFAULT --args=iommu=pt', `grubby --update-kernel=/boot/vmlinuz-${RESCUE} --args=iommu=pt`]);
  });

  test('failures give grubby\'s message or a clear reason (with a stand-in)', async () => {
    const boot = standInBoot({ [NEW]: BASE_OPTIONS });
    const unknown = await runModule(grubby, { args: 'iommu=pt', kernel: '/boot/vmlinuz-4.18.0' }, { connection: boot.connection });
    assert.equal(unknown.result.failed, true);
    assert.equal(unknown.result.msg, 'grubby --info=/boot/vmlinuz-4.18.0 failed: The param /boot/vmlinuz-4.18.0 is incorrect');
    const nothing = await runModule(grubby, {}, { connection: boot.connection });
    assert.equal(nothing.result.msg, 'one of the following is required: args, remove_args');
    const clash = await runModule(grubby, { args: 'iommu=pt', remove_args: 'iommu' }, { connection: boot.connection });
    assert.equal(clash.result.msg, "args and remove_args contradict each other: 'iommu=pt' is in args but remove_args 'iommu' removes it");
    const missing = await runModule(grubby, { args: 'iommu=pt' }, { connection: withEnvironment(new LocalConnection('localhost'), { PATH: '/usr/bin:/bin' }) });
    assert.equal(missing.result.msg, 'grubby --info=ALL failed: grubby is not installed on the target');
    assert.deepEqual(boot.calls(), []);
  });

  test('args and kernel paths are data, never shell (with a stand-in)', async () => {
    const boot = standInBoot({ [NEW]: BASE_OPTIONS });
    const tag = `pwned-grubby-${process.pid}`;
    const dir = scratchDir();
    const hostile = await runModule(grubby, { args: `x;touch$IFS${dir}/${tag} $(touch ${dir}/${tag})` }, { connection: boot.connection });
    assert.equal(hostile.result.changed, true);
    assert.equal(boot.options(NEW), `${BASE_OPTIONS} x;touch$IFS${dir}/${tag} $(touch ${dir}/${tag})`);
    const kernel = await runModule(grubby, { args: 'a', kernel: `/boot/vmlinuz-x; touch ${dir}/${tag}` }, { connection: boot.connection });
    assert.equal(kernel.result.failed, true);
    for (const where of [dir, process.cwd(), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments are rejected before touching the host', async () => {
    await assert.rejects(runModule(grubby, { arg: 'iommu=pt' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'arg' for module 'grubby' \(did you mean 'args'\?\)/);
      return true;
    });
    await assert.rejects(runModule(grubby, { args: { iommu: 'pt' } }), /argument 'args' must be string,array/);
    await assert.rejects(runModule(grubby, { args: 'iommu=pt', kernel: ['ALL'] }), /argument 'kernel' must be string/);
  });
});
