import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { UnreachableError, type Connection, type ExecOptions } from '../../src/connection/types.js';
import reboot from '../../src/modules/system/reboot.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDIN = fileURLToPath(new URL('../../../test/lab/standins/reboot-standin', import.meta.url));

/** A host whose "shutdown" is the stand-in: rebooting gives it a new boot id in a file. */
function standInHost(env: Record<string, string> = {}) {
  const dir = scratchDir('betif-reboot-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(STANDIN, join(bin, 'shutdown'));
  const bootIdFile = join(dir, 'boot_id');
  writeFileSync(bootIdFile, 'first-boot\n');
  const fullEnv = { PATH: `${bin}:${process.env.PATH}`, LAB_BOOT_ID_FILE: bootIdFile, ...env };
  const local = new LocalConnection('localhost');
  const reconnects: number[] = [];
  const connection: Connection = {
    host: local.host,
    exec: (argv: readonly string[], options: ExecOptions = {}) => local.exec(argv, { ...options, env: { ...fullEnv, ...options.env } }),
    reconnect: async (timeoutMs) => {
      reconnects.push(timeoutMs);
    },
    close: () => local.close(),
  };
  return {
    connection,
    reconnects,
    bootId: () => readFileSync(bootIdFile, 'utf8').trim(),
    calls: () => (existsSync(`${bootIdFile}.log`) ? readFileSync(`${bootIdFile}.log`, 'utf8').trim().split('\n') : []),
    bootTimeCommand: `cat ${bootIdFile}`,
  };
}

describe('reboot', () => {
  test('reboots with shutdown and waits for the new boot (with a stand-in)', async () => {
    const host = standInHost();
    const { result } = await runModule(reboot, { boot_time_command: host.bootTimeCommand, msg: 'Kernel update' }, { connection: host.connection });
    assert.equal(result.failed, undefined);
    assert.equal(result.changed, true);
    assert.equal(result.rebooted, true);
    assert.equal(typeof result.elapsed, 'number');
    assert.notEqual(host.bootId(), 'first-boot');
    assert.deepEqual(host.calls(), ['-r now Kernel update']);
  });

  test('pre_reboot_delay is passed to shutdown in whole minutes, as Ansible does (with a stand-in)', async () => {
    const host = standInHost();
    await runModule(reboot, { boot_time_command: host.bootTimeCommand, pre_reboot_delay: 150 }, { connection: host.connection });
    assert.deepEqual(host.calls(), ['-r +2 Reboot initiated by betif-play']);
  });

  test('waits while the host is still coming back (with a stand-in)', async () => {
    const host = standInHost({ LAB_REBOOT_DELAY: '1' });
    const { result } = await runModule(reboot, { boot_time_command: host.bootTimeCommand, reboot_command: 'shutdown -r now' }, { connection: host.connection });
    assert.equal(result.rebooted, true);
    assert.ok(Number(result.elapsed) >= 1);
    assert.notEqual(host.bootId(), 'first-boot');
  });

  test('reconnects when the host drops the session during the reboot (with a stand-in)', async () => {
    const host = standInHost();
    // The reboot command and the first command after it lose the session, as over SSH.
    let sessionsToDrop = 0;
    const flaky: Connection = {
      ...host.connection,
      exec: async (argv, options) => {
        const result = await host.connection.exec(argv, options);
        if (argv.includes('shutdown')) sessionsToDrop = 2;
        if (sessionsToDrop === 0) return result;
        sessionsToDrop -= 1;
        throw new UnreachableError('Shared connection to localhost closed.');
      },
    };
    const { result } = await runModule(reboot, { boot_time_command: host.bootTimeCommand, connect_timeout: 7 }, { connection: flaky });
    assert.equal(result.rebooted, true);
    assert.equal(result.failed, undefined);
    assert.deepEqual(host.reconnects, [7000]);
  });

  test('check mode reports a reboot and does nothing (with a stand-in)', async () => {
    const host = standInHost();
    const { result } = await runModule(reboot, { boot_time_command: host.bootTimeCommand }, { connection: host.connection, check: true });
    assert.deepEqual(result, { rebooted: true, elapsed: 0, changed: true });
    assert.equal(host.bootId(), 'first-boot');
    assert.deepEqual(host.calls(), []);
  });

  test('a host that never comes back times out with Ansible\'s message (with a stand-in)', async () => {
    const host = standInHost();
    const { result } = await runModule(reboot, { boot_time_command: host.bootTimeCommand, reboot_command: 'true', reboot_timeout: 2 }, { connection: host.connection });
    assert.equal(result.failed, true);
    assert.equal(result.rebooted, true);
    assert.equal(result.msg, 'Timed out waiting for last boot time check (timeout=2)');
  });

  test('a failing test command after the reboot times out (with a stand-in)', async () => {
    const host = standInHost();
    const { result } = await runModule(reboot, { boot_time_command: host.bootTimeCommand, test_command: 'false', reboot_timeout: 1 }, { connection: host.connection });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'Timed out waiting for post-reboot test command (timeout=1)');
  });

  test('a failing reboot command or boot id command is reported, not retried (with a stand-in)', async () => {
    const host = standInHost();
    const refused = await runModule(reboot, { boot_time_command: host.bootTimeCommand, reboot_command: 'sh -c "echo denied >&2; exit 1"' }, { connection: host.connection });
    assert.equal(refused.result.failed, true);
    assert.equal(refused.result.rebooted, false);
    assert.equal(refused.result.msg, "Reboot command failed. Error was: ', denied'");

    const noBootId = await runModule(reboot, { boot_time_command: 'cat /nonexistent/boot_id' }, { connection: host.connection });
    assert.equal(noBootId.result.failed, true);
    assert.match(String(noBootId.result.msg), /^reboot: failed to get host boot time info, rc: 1, stdout: , stderr: cat: \/nonexistent\/boot_id: No such file or directory/);
    assert.deepEqual(host.calls(), []);
  });
});
