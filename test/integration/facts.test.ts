import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { withBecome } from '../../src/connection/become.js';
import { observed } from '../../src/connection/observed.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { gatherFacts } from '../../src/facts/gather.js';
import ping from '../../src/modules/system/ping.js';
import setup from '../../src/modules/system/setup.js';
import { runModule } from '../helpers/module-harness.js';
import { labSettings, labPort, startLab, type Lab } from '../helpers/lab.js';

let lab: Lab;
let conn: SshConnection;


before(async () => {
  lab = await startLab(2, { basePort: labPort(2451), dir: join(tmpdir(), 'betif-lab-facts') });
  conn = new SshConnection(labSettings(lab, lab.hosts[0]));
});

after(async () => {
  await conn?.close();
  await lab?.stop();
});

/** What `ansible -m setup` reports for the lab host (keys without the ansible_ prefix). */
async function ansibleFacts(): Promise<Record<string, unknown>> {
  const tree = mkdtempSync(join(tmpdir(), 'betif-ansible-tree-'));
  await execa('ansible', ['-i', lab.inventoryPath, 'h1', '-m', 'setup', '--tree', tree], {
    env: { ANSIBLE_SSH_ARGS: `-F ${join(lab.dir, 'ssh_config')}`, ANSIBLE_PYTHON_INTERPRETER: 'auto_silent' },
  });
  const facts = JSON.parse(readFileSync(join(tree, 'h1'), 'utf8')).ansible_facts as Record<string, unknown>;
  rmSync(tree, { recursive: true });
  return Object.fromEntries(Object.entries(facts).map(([key, value]) => [key.replace(/^ansible_/, ''), value]));
}

describe('fact gathering', () => {
  test('one command gathers the facts', async () => {
    const commands: (readonly string[])[] = [];
    const counted = observed(conn, (record) => commands.push(record.argv));
    await gatherFacts(counted);
    assert.equal(commands.length, 1);
  });

  test('names, values and shapes match ansible -m setup', async () => {
    const [ours, reference] = await Promise.all([gatherFacts(conn), ansibleFacts()]);
    const same = [
      'hostname', 'nodename', 'fqdn', 'domain', 'distribution', 'distribution_version', 'distribution_major_version', 'distribution_release',
      'os_family', 'system', 'kernel', 'kernel_version', 'architecture', 'machine', 'machine_id', 'processor', 'processor_count',
      'processor_cores', 'processor_threads_per_core', 'processor_vcpus', 'memtotal_mb', 'swaptotal_mb', 'default_ipv4',
      'all_ipv4_addresses', 'all_ipv6_addresses', 'virtualization_role', 'virtualization_type', 'cmdline', 'proc_cmdline',
      'user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell', 'service_mgr', 'pkg_mgr', 'selinux',
    ];
    for (const key of same) assert.deepEqual(ours[key], reference[key], key);
    const asSet = (value: unknown) => new Set(value as string[]);
    for (const key of ['interfaces', 'virtualization_tech_guest', 'virtualization_tech_host']) assert.deepEqual(asSet(ours[key]), asSet(reference[key]), key);
    const dateKeys = Object.keys(reference.date_time as object).filter((key) => key !== 'tz_dst');
    assert.deepEqual(Object.keys(ours.date_time as object).sort(), dateKeys.sort());
    assert.equal((ours.env as Record<string, string>).PATH, (reference.env as Record<string, string>).PATH);
  });

  test('the lab host as the controller sees it', async () => {
    const facts = await gatherFacts(conn);
    assert.equal(facts.hostname, 'h1');
    assert.equal(facts.fqdn, 'h1.lab.test');
    assert.equal(facts.domain, 'lab.test');
    assert.equal(facts.kernel, release());
    assert.equal(facts.processor_vcpus, cpus().length);
    assert.equal(facts.user_id, 'root');
    assert.match((facts.env as Record<string, string>).PATH, /^\/opt\/lab\/bin:/);
    const epoch = Number((facts.date_time as Record<string, string>).epoch);
    assert.ok(Math.abs(epoch - Date.now() / 1000) < 5);
    assert.equal(facts.cpu_vendor, /^vendor_id\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? null);
  });

  test('iommu and GPU facts read /sys as it is', async () => {
    const facts = await gatherFacts(conn);
    const groups = existsSync('/sys/kernel/iommu_groups') ? readdirSync('/sys/kernel/iommu_groups').length : 0;
    assert.deepEqual(facts.iommu, { enabled: groups > 0, groups });
    const devices = '/sys/bus/pci/devices';
    const displayControllers = existsSync(devices) ? readdirSync(devices).filter((address) => readFileSync(join(devices, address, 'class'), 'utf8').startsWith('0x03')) : [];
    const gpus = facts.pci_gpus as { address: string; vendor_id: string; class: string }[];
    assert.deepEqual(gpus.map((gpu) => gpu.address), displayControllers);
    for (const gpu of gpus) {
      assert.match(gpu.vendor_id, /^[0-9a-f]{4}$/);
      assert.match(gpu.class, /^0x03/);
    }
  });

  test('facts through become describe the become user', async () => {
    const facts = await gatherFacts(withBecome(conn, { user: 'nobody' }));
    assert.equal(facts.user_id, 'nobody');
    assert.equal(facts.user_uid, 65534);
  });
});

describe('distributions', () => {
  test('a host whose /etc says Rocky Linux 9.3 reports what Ansible reports for it', async () => {
    const root = lab.hosts[1].root;
    rmSync(join(root, 'etc/os-release'));
    rmSync(join(root, 'etc/debian_version'));
    writeFileSync(join(root, 'etc/os-release'), 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n');
    writeFileSync(join(root, 'etc/redhat-release'), 'Rocky Linux release 9.3 (Blue Onyx)\n');
    const rocky = new SshConnection(labSettings(lab, lab.hosts[1]));
    try {
      const facts = await gatherFacts(rocky);
      assert.deepEqual(
        [facts.distribution, facts.distribution_version, facts.distribution_major_version, facts.distribution_release, facts.os_family, facts.pkg_mgr],
        ['Rocky', '9.3', '9', 'Blue Onyx', 'RedHat', 'dnf'],
      );
    } finally {
      await rocky.close();
    }
  });
});

describe('setup and ping modules', () => {
  test('setup returns ansible_facts, unchanged; filter keeps matching facts', async () => {
    const all = await runModule(setup, {}, { connection: conn });
    assert.equal(all.result.changed, false);
    assert.equal((all.result.ansible_facts as Record<string, unknown>).distribution, 'Debian');
    const some = await runModule(setup, { filter: 'ansible_distribution*' }, { connection: conn });
    const keys = Object.keys(some.result.ansible_facts as object);
    assert.ok(keys.length >= 4);
    assert.ok(keys.every((key) => key.startsWith('distribution')), keys.join());
  });

  test('ping answers pong (or the given data)', async () => {
    assert.deepEqual((await runModule(ping, {}, { connection: conn })).result, { ping: 'pong', changed: false });
    assert.equal((await runModule(ping, { data: 'hello' }, { connection: conn })).result.ping, 'hello');
  });
});
