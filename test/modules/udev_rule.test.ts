import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import { ArgumentError } from '../../src/modules/args.js';
import udevRule from '../../src/modules/kernel/udev_rule.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

const VFIO_RULE = { ACTION: 'add', SUBSYSTEM: 'pci', KERNEL: '0000:01:00.0', DRIVER: '', 'ATTR{driver_override}': 'vfio-pci' };
const VFIO_LINE = 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:01:00.0", DRIVER=="", ATTR{driver_override}="vfio-pci"';

/** A machine whose udevadm is the stand-in; rules go to a scratch folder. */
function standInUdev() {
  const dir = scratchDir('betif-udev-');
  const log = join(dir, 'udevadm.log');
  const connection = withEnvironment(new LocalConnection('localhost'), { PATH: `${STANDINS}:${process.env.PATH}`, LAB_UDEVADM_LOG: log });
  return {
    connection,
    dir,
    rules: (name = '99-vfio.rules') => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined),
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

describe('udev_rule', () => {
  test('writes a mapping as a rule line, reloads once, then has nothing to do (with a stand-in)', async () => {
    const udev = standInUdev();
    const args = { name: '99-vfio', dir: udev.dir, rules: [VFIO_RULE] };
    const first = await runModule(udevRule, args, { connection: udev.connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.path, join(udev.dir, '99-vfio.rules'));
    assert.equal(first.result.reloaded, true);
    assert.equal(udev.rules(), `${VFIO_LINE}\n`);
    assert.deepEqual(udev.calls(), ['udevadm control --reload-rules', 'udevadm trigger']);

    const second = await runModule(udevRule, args, { connection: udev.connection });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.reloaded, false);
    assert.equal(udev.calls().length, 2);
  });

  test('raw lines pass as they are; operators written after a key are kept (with a stand-in)', async () => {
    const udev = standInUdev();
    const rules = [
      '# GPU for the VM',
      { SUBSYSTEM: 'vfio', 'ENV{ID_VENDOR}==': 'nvidia', OWNER: 'qemu', MODE: '0660', 'RUN+=': '/usr/bin/logger vfio', 'DRIVER!=': 'nouveau' },
      { KERNEL: 'vfio', 'TAG+=': 'uaccess', NAME: 'vfio/vfio', 'SYMLINK+=': 'gpu0' },
    ];
    await runModule(udevRule, { name: '70-gpu.rules', dir: udev.dir, rules }, { connection: udev.connection });
    assert.equal(
      udev.rules('70-gpu.rules'),
      '# GPU for the VM\n' +
        'SUBSYSTEM=="vfio", ENV{ID_VENDOR}=="nvidia", OWNER="qemu", MODE="0660", RUN+="/usr/bin/logger vfio", DRIVER!="nouveau"\n' +
        'KERNEL=="vfio", TAG+="uaccess", NAME="vfio/vfio", SYMLINK+="gpu0"\n',
    );
  });

  test('check mode shows the file diff and changes nothing (with a stand-in)', async () => {
    const udev = standInUdev();
    writeFileSync(join(udev.dir, '99-vfio.rules'), 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:02:00.0", DRIVER=="", ATTR{driver_override}="vfio-pci"\n');
    const { result, diff } = await runModule(udevRule, { name: '99-vfio', dir: udev.dir, rules: [VFIO_RULE] }, { connection: udev.connection, check: true });
    assert.equal(result.changed, true);
    assert.equal(udev.rules()?.includes('0000:02:00.0'), true);
    assert.deepEqual(udev.calls(), []);
    const path = join(udev.dir, '99-vfio.rules');
    assert.deepEqual(diff, [{ before: 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:02:00.0", DRIVER=="", ATTR{driver_override}="vfio-pci"\n', after: `${VFIO_LINE}\n`, beforeHeader: path, afterHeader: path }]);

    const applied = await runModule(udevRule, { name: '99-vfio', dir: udev.dir, rules: [VFIO_RULE] }, { connection: udev.connection });
    assert.equal(applied.result.changed, true);
    assert.equal(udev.rules(), `${VFIO_LINE}\n`);
    assert.deepEqual(udev.calls(), ['udevadm control --reload-rules', 'udevadm trigger']);
  });

  test('reload: false writes without touching udev (with a stand-in)', async () => {
    const udev = standInUdev();
    const { result } = await runModule(udevRule, { name: '99-vfio', dir: udev.dir, rules: [VFIO_RULE], reload: false }, { connection: udev.connection });
    assert.equal(result.changed, true);
    assert.equal(result.reloaded, false);
    assert.equal(udev.rules(), `${VFIO_LINE}\n`);
    assert.deepEqual(udev.calls(), []);
  });

  test('state absent removes the file and reloads only when it existed (with a stand-in)', async () => {
    const udev = standInUdev();
    writeFileSync(join(udev.dir, '99-vfio.rules'), `${VFIO_LINE}\n`);
    const removed = await runModule(udevRule, { name: '99-vfio', dir: udev.dir, state: 'absent' }, { connection: udev.connection });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.diff, [{ before: `${VFIO_LINE}\n`, after: '', beforeHeader: join(udev.dir, '99-vfio.rules'), afterHeader: join(udev.dir, '99-vfio.rules') }]);
    assert.equal(udev.rules(), undefined);
    const again = await runModule(udevRule, { name: '99-vfio', dir: udev.dir, state: 'absent' }, { connection: udev.connection });
    assert.equal(again.result.changed, false);
    assert.deepEqual(udev.calls(), ['udevadm control --reload-rules', 'udevadm trigger']);
  });

  test('rules udev would misread are refused with a clear message', async () => {
    const udev = standInUdev();
    const run = (rules: unknown[]) => runModule(udevRule, { name: '99-bad', dir: udev.dir, rules }, { connection: udev.connection });
    assert.equal((await run([{ KERNAL: 'sda' }])).result.msg, "unknown udev rule key 'KERNAL' (did you mean 'KERNEL'?); known keys: " +
      'ACTION, DEVPATH, KERNEL, KERNELS, SUBSYSTEM, SUBSYSTEMS, DRIVER, DRIVERS, ATTRS, TAGS, CONST, TEST, PROGRAM, RESULT, ATTR, SYSCTL, ENV, NAME, SYMLINK, TAG, OWNER, GROUP, MODE, SECLABEL, RUN, LABEL, GOTO, IMPORT, OPTIONS');
    assert.equal((await run([{ 'ACTION=': 'add' }])).result.msg, 'udev rule key ACTION can only match (==, !=), not assign (=)');
    assert.equal((await run([{ 'MODE==': '0660' }])).result.msg, 'udev rule key MODE can only be assigned (=, +=, -=, :=), not matched (==)');
    assert.equal((await run(['ACTION=="add"\nRUN+="/bin/sh"'])).result.msg, 'a udev rule must be a single line: "ACTION==\\"add\\"\\nRUN+=\\"/bin/sh\\""');
    assert.equal((await run([{ 'ATTR{x}': 'a", RUN+="/bin/sh' }])).result.msg, 'udev rule value of ATTR{x} must not contain double quotes or line breaks: "a\\", RUN+=\\"/bin/sh"');
    assert.deepEqual(readdirSync(udev.dir), []);
  });

  test('names and folders are data, never shell (with a stand-in)', async () => {
    const udev = standInUdev();
    const tag = `pwned-udev-${process.pid}`;
    const dir = join(udev.dir, `rules; touch ${tag}`);
    mkdirSync(dir);
    const { result } = await runModule(udevRule, { name: `99-$(touch ${tag})`, dir, rules: [VFIO_RULE] }, { connection: udev.connection });
    assert.equal(result.changed, true);
    assert.equal(readFileSync(join(dir, `99-$(touch ${tag}).rules`), 'utf8'), `${VFIO_LINE}\n`);
    for (const where of [udev.dir, process.cwd()]) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments are rejected before touching the host', async () => {
    await assert.rejects(runModule(udevRule, { name: '99-vfio', rule: [VFIO_RULE] }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'rule' for module 'udev_rule' \(did you mean 'rules'\?\)/);
      return true;
    });
    await assert.rejects(runModule(udevRule, { rules: [VFIO_RULE] }), /missing required argument 'name' for module 'udev_rule'/);
    await assert.rejects(runModule(udevRule, { name: '99-vfio', rules: 'ACTION=="add"' }), /argument 'rules' must be array/);
    await assert.rejects(runModule(udevRule, { name: '../99-vfio', rules: [VFIO_RULE] }), /argument 'name' must match pattern/);
    await assert.rejects(runModule(udevRule, { name: '99-vfio', rules: [VFIO_RULE], state: 'gone' }), /argument 'state' must be one of: present, absent/);
    const missing = await runModule(udevRule, { name: '99-vfio' });
    assert.equal(missing.result.msg, 'state is present but all of the following are missing: rules');
  });
});
