import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import systemd from '../../src/modules/system/systemd.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

const SERVICE_WITH_INSTALL = '[Service]\nExecStart=/bin/true\nExecReload=/bin/true\n[Install]\nWantedBy=multi-user.target\n';

/** A machine whose systemctl is the stand-in, with its own unit files and state. */
function standInSystemd() {
  const root = scratchDir('betif-systemd-');
  mkdirSync(join(root, 'units'));
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, LAB_SYSTEMD_ROOT: root, LAB_SYSTEMD_UNIT_PATH: join(root, 'units') };
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  return {
    connection,
    addUnit: (name: string, text = SERVICE_WITH_INSTALL) => writeFileSync(join(root, 'units', name), text),
    isActive: (unit: string) => existsSync(join(root, 'active', unit)),
    isEnabled: (unit: string) => existsSync(join(root, 'enabled', unit)),
    isMasked: (unit: string) => existsSync(join(root, 'masked', unit)),
    journal: () => (existsSync(join(root, 'journal')) ? readFileSync(join(root, 'journal'), 'utf8').trim().split('\n') : []),
  };
}

describe('systemd', () => {
  test('starts and enables a unit, then has nothing to do (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('web.service');
    const args = { name: 'web', state: 'started', enabled: true };
    const first = await runModule(systemd, args, { connection: lab.connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.name, 'web');
    assert.equal(first.result.state, 'started');
    assert.equal(first.result.enabled, true);
    assert.deepEqual(first.result.status, { LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'disabled', LoadError: '' });
    assert.equal(lab.isActive('web.service'), true);
    assert.equal(lab.isEnabled('web.service'), true);
    assert.deepEqual(lab.journal(), ['enable web.service', 'start web.service']);

    const second = await runModule(systemd, args, { connection: lab.connection });
    assert.equal(second.result.changed, false);
    assert.equal((second.result.status as Record<string, string>).ActiveState, 'active');
    assert.equal(lab.journal().length, 2);
  });

  test('check mode reports the change and leaves the unit alone (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('web.service');
    const { result } = await runModule(systemd, { name: 'web', state: 'started', enabled: true, daemon_reload: true }, { connection: lab.connection, check: true });
    assert.equal(result.changed, true);
    assert.equal(result.state, 'started');
    assert.equal(lab.isActive('web.service'), false);
    assert.deepEqual(lab.journal(), []);
  });

  test('stops a running unit and disables it (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('web.service');
    await runModule(systemd, { name: 'web.service', state: 'started', enabled: true }, { connection: lab.connection });
    const { result } = await runModule(systemd, { name: 'web.service', state: 'stopped', enabled: false }, { connection: lab.connection });
    assert.equal(result.changed, true);
    assert.equal(result.state, 'stopped');
    assert.equal(lab.isActive('web.service'), false);
    assert.equal(lab.isEnabled('web.service'), false);
    const again = await runModule(systemd, { name: 'web.service', state: 'stopped', enabled: false }, { connection: lab.connection });
    assert.equal(again.result.changed, false);
  });

  test('restarted and reloaded always act; on a stopped unit they start it (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('web.service');
    const fromStopped = await runModule(systemd, { name: 'web', state: 'reloaded' }, { connection: lab.connection });
    assert.equal(fromStopped.result.changed, true);
    assert.equal(fromStopped.result.state, 'started');
    for (const state of ['restarted', 'reloaded']) {
      const { result } = await runModule(systemd, { name: 'web', state }, { connection: lab.connection });
      assert.equal(result.changed, true, state);
    }
    assert.deepEqual(lab.journal(), ['start web.service', 'restart web.service', 'reload web.service']);
  });

  test('daemon_reload runs before the unit is read, and is not a change by itself (with a stand-in)', async () => {
    const lab = standInSystemd();
    const { result } = await runModule(systemd, { daemon_reload: true }, { connection: lab.connection });
    assert.equal(result.changed, false);
    assert.deepEqual(lab.journal(), ['daemon-reload']);
    lab.addUnit('new.service');
    const started = await runModule(systemd, { name: 'new', daemon_reload: true, state: 'started' }, { connection: lab.connection });
    assert.equal(started.result.changed, true);
    assert.deepEqual(lab.journal(), ['daemon-reload', 'daemon-reload', 'start new.service']);
  });

  test('masks and unmasks (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('web.service');
    const masked = await runModule(systemd, { name: 'web', masked: true }, { connection: lab.connection });
    assert.equal(masked.result.changed, true);
    assert.equal(lab.isMasked('web.service'), true);
    assert.equal((await runModule(systemd, { name: 'web', masked: true }, { connection: lab.connection })).result.changed, false);
    const refused = await runModule(systemd, { name: 'web', state: 'started' }, { connection: lab.connection });
    assert.equal(refused.result.failed, true);
    assert.equal(refused.result.msg, 'Unable to start service web: Failed to start web.service: Unit web.service is masked.');
    const unmasked = await runModule(systemd, { name: 'web', masked: false, state: 'started' }, { connection: lab.connection });
    assert.equal(unmasked.result.changed, true);
    assert.equal(lab.isMasked('web.service'), false);
    assert.equal(lab.isActive('web.service'), true);
  });

  test('scope user talks to the user manager (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('agent.service');
    await runModule(systemd, { name: 'agent', state: 'started', scope: 'user' }, { connection: lab.connection });
    assert.deepEqual(lab.journal(), ['--user start agent.service']);
  });

  test('an unknown unit and a failing action give Ansible\'s messages (with a stand-in)', async () => {
    const lab = standInSystemd();
    const missing = await runModule(systemd, { name: 'nosuch', state: 'started' }, { connection: lab.connection });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, 'Could not find the requested service nosuch: host');

    lab.addUnit('plain.service', '[Service]\nExecStart=/bin/true\n');
    await runModule(systemd, { name: 'plain', state: 'started' }, { connection: lab.connection });
    const reload = await runModule(systemd, { name: 'plain', state: 'reloaded' }, { connection: lab.connection });
    assert.equal(reload.result.failed, true);
    assert.equal(reload.result.msg, 'Unable to reload service plain: Failed to reload plain.service: Job type reload is not applicable for unit plain.service.');
  });

  test('a static unit counts as enabled (with a stand-in)', async () => {
    const lab = standInSystemd();
    lab.addUnit('once.service', '[Service]\nExecStart=/bin/true\n');
    const { result } = await runModule(systemd, { name: 'once', enabled: true }, { connection: lab.connection });
    assert.equal(result.changed, false);
    assert.equal(result.enabled, true);
  });

  test('bad requests are refused with clear messages', async () => {
    const nothing = await runModule(systemd, { name: 'web' });
    assert.equal(nothing.result.msg, 'one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec');
    const glob = await runModule(systemd, { name: 'web*', state: 'started' });
    assert.equal(glob.result.msg, "This module does not currently support using glob patterns, found '*' in service name: web*");
    await assert.rejects(runModule(systemd, { state: 'started' }), /must have property name when property state is present/);
    await assert.rejects(runModule(systemd, { name: 'web', state: 'running' }), /argument 'state' must be one of: started, stopped, restarted, reloaded/);
  });
});
