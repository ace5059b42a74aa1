import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { SshConnection } from '../../src/connection/ssh.js';
import serviceFacts from '../../src/modules/system/service_facts.js';
import { runModule } from '../helpers/module-harness.js';
import { labPort, labSettings, startLab, type Lab } from '../helpers/lab.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

let lab: Lab;
let conn: SshConnection;

before(async () => {
  lab = await startLab(1, { basePort: labPort(2461), dir: join(tmpdir(), 'betif-lab-service-facts') });
  conn = new SshConnection(labSettings(lab, lab.hosts[0]));
});

after(async () => {
  await conn?.close();
  await lab?.stop();
});

const root = () => lab.hosts[0].root;

/** What `ansible -m service_facts` answers for h1. */
async function ansibleServiceFacts(): Promise<Record<string, unknown>> {
  const tree = mkdtempSync(join(tmpdir(), 'betif-ansible-tree-'));
  await execa('ansible', ['-i', lab.inventoryPath, 'h1', '-m', 'service_facts', '--tree', tree], {
    env: { ANSIBLE_SSH_ARGS: `-F ${join(lab.dir, 'ssh_config')}`, ANSIBLE_PYTHON_INTERPRETER: 'auto_silent' },
  });
  const result = JSON.parse(readFileSync(join(tree, 'h1'), 'utf8'));
  rmSync(tree, { recursive: true });
  return result;
}

/** Makes h1 look systemd-managed: the stand-in systemctl with its own units under /srv/systemd. */
function useSystemdStandin(): void {
  const bin = join(root(), 'opt/lab/bin');
  copyFileSync(join(STANDINS, 'systemctl'), join(bin, 'systemctl-standin'));
  writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\nLAB_SYSTEMD_ROOT=/srv/systemd LAB_SYSTEMD_UNIT_PATH=/srv/systemd/units exec /opt/lab/bin/systemctl-standin "$@"\n');
  chmodSync(join(bin, 'systemctl'), 0o755);
  mkdirSync(join(root(), 'run/systemd/system'), { recursive: true });
  const units = join(root(), 'srv/systemd/units');
  mkdirSync(units, { recursive: true });
  const unit = (description: string, install: boolean) => `[Unit]\nDescription=${description}\n[Service]\nExecStart=/bin/true\n${install ? '[Install]\nWantedBy=multi-user.target\n' : ''}`;
  writeFileSync(join(units, 'web.service'), unit('Web server', true));
  writeFileSync(join(units, 'worker.service'), unit('Background worker', true));
  writeFileSync(join(units, 'helper.service'), unit('A static helper', false));
  writeFileSync(join(units, 'cron.service'), unit('Cron, also a sysv script', true));
  for (const [verb, name] of [['start', 'web'], ['enable', 'web'], ['start', 'helper'], ['mask', 'retired.service'], ['start', 'cron']]) {
    mkdirSync(join(root(), 'srv/systemd', verb === 'start' ? 'active' : verb === 'enable' ? 'enabled' : 'masked'), { recursive: true });
    writeFileSync(join(root(), 'srv/systemd', verb === 'start' ? 'active' : verb === 'enable' ? 'enabled' : 'masked', name.includes('.') ? name : `${name}.service`), '');
  }
}

describe('service_facts', () => {
  test('sysv services (service --status-all) as ansible -m service_facts reports them', async () => {
    const [ours, reference] = await Promise.all([runModule(serviceFacts, {}, { connection: conn }), ansibleServiceFacts()]);
    assert.equal(ours.result.changed, false);
    const services = (ours.result.ansible_facts as { services: Record<string, unknown> }).services;
    assert.deepEqual(services, (reference.ansible_facts as { services: unknown }).services);
    assert.deepEqual(services.ssh, { name: 'ssh', state: 'stopped', source: 'sysv' });
  });

  test('systemd units and unit files with a stand-in systemctl: name, state, status and source as Ansible shapes them', async () => {
    useSystemdStandin();
    try {
      const { result } = await runModule(serviceFacts, {}, { connection: conn, check: true });
      const services = (result.ansible_facts as { services: Record<string, unknown> }).services;
      assert.deepEqual(services['web.service'], { name: 'web.service', state: 'running', status: 'enabled', source: 'systemd' });
      assert.deepEqual(services['helper.service'], { name: 'helper.service', state: 'running', status: 'static', source: 'systemd' });
      // Not loaded by systemd: its state is the ActiveState `systemctl show` gives.
      assert.deepEqual(services['worker.service'], { name: 'worker.service', state: 'inactive', status: 'disabled', source: 'systemd' });
      assert.deepEqual(services['retired.service'], { name: 'retired.service', state: 'stopped', status: 'masked', source: 'systemd' });
      // systemd's view replaces sysv's for the same name; sysv-only scripts stay.
      assert.equal((services['cron.service'] as { source: string }).source, 'systemd');
      assert.deepEqual(services.ssh, { name: 'ssh', state: 'stopped', source: 'sysv' });
    } finally {
      rmSync(join(root(), 'run/systemd'), { recursive: true, force: true });
      rmSync(join(root(), 'opt/lab/bin/systemctl'));
      rmSync(join(root(), 'srv/systemd'), { recursive: true, force: true });
    }
  });

  test('no services found: skipped with Ansible\'s message', async () => {
    const bin = join(root(), 'opt/lab/bin');
    // A `service` that is there but lists nothing, as on a host without init scripts.
    writeFileSync(join(bin, 'service'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    try {
      const { result } = await runModule(serviceFacts, {}, { connection: conn });
      assert.equal(result.skipped, true);
      assert.equal(result.msg, 'Failed to find any services. This can be due to privileges or some other configuration issue.');
    } finally {
      rmSync(join(bin, 'service'));
    }
  });

  test('service names stay data', async () => {
    const script = join(root(), 'etc/init.d/$(touch injected)');
    writeFileSync(script, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    try {
      const { result } = await runModule(serviceFacts, {}, { connection: conn });
      assert.ok('$(touch injected)' in (result.ansible_facts as { services: object }).services);
      assert.equal(readFileSync(join(root(), 'etc/hosts'), 'utf8').length > 0, true);
      assert.throws(() => readFileSync(join(root(), 'root/injected')));
    } finally {
      rmSync(script);
    }
  });
});
