import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withBecome } from '../../src/connection/become.js';
import { observed } from '../../src/connection/observed.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { gatherFacts } from '../../src/facts/gather.js';
import ping from '../../src/modules/system/ping.js';
import setup from '../../src/modules/system/setup.js';
import { runModule } from '../helpers/module-harness.js';
import { labSettings, labPort, startLab, type Lab } from '../helpers/lab.js';
import { onHost } from '../helpers/host-processes.js';
import { ansibleSetup, FILTER, LOCAL_SUBSET, loadSetupReference, ROLE_FACTS, SUBSETS, UNKNOWN_SUBSET, unprefixed, writeLocalFacts } from '../helpers/setup-reference.js';

let lab: Lab;
let conn: SshConnection;
/** Ansible's answers for the lab host, recorded (re-record: `node dist/test/fixtures/facts/record.js`). */
const recorded = loadSetupReference();

before(async () => {
  lab = await startLab(2, { basePort: labPort(2451), dir: join(tmpdir(), 'betif-lab-facts') });
  conn = new SshConnection(labSettings(lab, lab.hosts[0]));
});

after(async () => {
  await conn?.close();
  await lab?.stop();
});

describe('fact gathering', () => {
  test('one command gathers the facts', async () => {
    const commands: (readonly string[])[] = [];
    const counted = observed(conn, (record) => commands.push(record.argv));
    await gatherFacts(counted);
    assert.equal(commands.length, 1);
  });

  test('one setup starts on the host one process per program it needs, and none for a subset that reads nothing', async () => {
    // Seen from the driver that runs the command (the lab shares the machine's process ids): every process it or
    // its children start. readlink and uname run only on machines whose pid 1 or kernel needs them.
    const started = async (gatherSubset: string[], pythonInterpreter?: string) => {
      const { processes } = await onHost(conn, () => gatherFacts(conn, { gatherSubset, pythonInterpreter }));
      return processes.filter((program) => program !== 'readlink' && program !== 'uname');
    };
    await conn.exec(['sh', '-c', 'rm -f "$HOME/.ansible/tmp/betif-python-facts"']);
    // stat tells the interpreter's file apart, grep reads every file, ip the addresses, and the host's Python (the
    // last: it replaces the shell the driver forked) describes itself, tells the time and keeps its facts on the host.
    assert.deepEqual(await started(['all']), ['stat', 'grep', 'ip', 'python3']);
    // From then on its facts are read back, and date tells the time.
    assert.deepEqual(await started(['all']), ['stat', 'grep', 'ip', 'date']);
    assert.deepEqual(await started(['min']), ['stat', 'grep', 'date']);
    assert.deepEqual(await started(['!all', '!min', 'pkg_mgr']), ['grep']);
    assert.deepEqual(await started(['!all', '!min']), []);

    // A package upgrade replaces the interpreter's file (keeping the packaged modification time): Python runs again.
    await conn.exec(['cp', '/usr/bin/python3', '/root/python3']);
    assert.deepEqual(await started(['!all', '!min', 'python'], '/root/python3'), ['stat', 'python3']);
    // No program is left to replace the shell the driver forked: it stays a process of its own ("sh").
    assert.deepEqual(await started(['!all', '!min', 'python'], '/root/python3'), ['stat', 'sh']);
    await conn.exec(['cp', '-p', '/root/python3', '/root/python3.new']);
    await conn.exec(['mv', '/root/python3.new', '/root/python3']);
    assert.deepEqual(await started(['!all', '!min', 'python'], '/root/python3'), ['stat', 'python3']);
    await conn.exec(['rm', '/root/python3']);
  });

  test('names, values and shapes match ansible -m setup', async () => {
    // Live: these values are the machine's own (its kernel, processors, memory, addresses).
    const [{ facts: ours }, answer] = await Promise.all([gatherFacts(conn), ansibleSetup(lab)]);
    const reference = unprefixed(answer.ansible_facts);
    const same = [
      'hostname', 'nodename', 'fqdn', 'domain', 'distribution', 'distribution_version', 'distribution_major_version', 'distribution_release',
      'os_family', 'system', 'kernel', 'kernel_version', 'architecture', 'machine', 'machine_id', 'processor', 'processor_count',
      'processor_cores', 'processor_threads_per_core', 'processor_vcpus', 'memtotal_mb', 'swaptotal_mb', 'default_ipv4',
      'all_ipv4_addresses', 'all_ipv6_addresses', 'virtualization_role', 'virtualization_type', 'cmdline', 'proc_cmdline',
      'user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell', 'service_mgr', 'pkg_mgr', 'selinux', 'python', 'python_version',
    ];
    for (const key of same) assert.deepEqual(ours[key], reference[key], key);
    const asSet = (value: unknown) => new Set(value as string[]);
    for (const key of ['interfaces', 'virtualization_tech_guest', 'virtualization_tech_host']) assert.deepEqual(asSet(ours[key]), asSet(reference[key]), key);
    const dateKeys = Object.keys(reference.date_time as object).filter((key) => key !== 'tz_dst');
    assert.deepEqual(Object.keys(ours.date_time as object).sort(), dateKeys.sort());
    assert.equal((ours.env as Record<string, string>).PATH, (reference.env as Record<string, string>).PATH);
  });

  test('the lab host as the controller sees it', async () => {
    const { facts } = await gatherFacts(conn);
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
    const { facts } = await gatherFacts(conn);
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
    const { facts } = await gatherFacts(withBecome(conn, { user: 'nobody' }));
    assert.equal(facts.user_id, 'nobody');
    assert.equal(facts.user_uid, 65534);
  });
});

describe('gather_subset, filter and local facts as ansible -m setup has them (Ansible\'s answers recorded)', () => {
  test('each subset gathers the facts Ansible gathers for it (among the facts betif-play knows)', async () => {
    // The facts both tools gather (betif-play adds cpu_vendor, iommu and pci_gpus; Ansible has facts betif-play does not).
    const known = Object.keys((await gatherFacts(conn)).facts).filter((key) => recorded.subsets.all.includes(key));
    for (const subset of SUBSETS) {
      const ours = Object.keys((await gatherFacts(conn, { gatherSubset: subset.split(',') })).facts);
      const theirs = recorded.subsets[subset].filter((key) => known.includes(key));
      assert.deepEqual(ours.filter((key) => known.includes(key)).sort(), theirs, subset);
    }
  });

  test('the facts roles test are as Ansible reports them', async () => {
    const { facts: ours } = await gatherFacts(conn, { gatherSubset: ['!all'] });
    for (const key of ROLE_FACTS) assert.deepEqual(ours[key], recorded.roleFacts[key], key);
  });

  test('an unknown subset fails the task with Ansible\'s message', async () => {
    const ours = await runModule(setup, { gather_subset: UNKNOWN_SUBSET }, { connection: conn });
    assert.equal(ours.result.failed, true);
    assert.equal(ours.result.msg, recorded.unknownSubsetMessage);
  });

  test('filter takes a list of fnmatch patterns, with or without the ansible_ prefix', async () => {
    const ours = await runModule(setup, { gather_subset: '!all', filter: FILTER }, { connection: conn });
    const known = Object.keys((await gatherFacts(conn)).facts).map((key) => `ansible_${key}`);
    const theirs = recorded.filtered.filter((key) => known.includes(key));
    assert.deepEqual(Object.keys(ours.result.ansible_facts as object).sort(), theirs);
  });

  test('local facts: INI, JSON, executables and broken files, as ansible_local with Ansible\'s warnings', async () => {
    const removeLocalFacts = writeLocalFacts(lab.hosts[0].root);
    try {
      const ours = await runModule(setup, { gather_subset: LOCAL_SUBSET }, { connection: conn });
      const local = (ours.result.ansible_facts as Record<string, unknown>).ansible_local;
      assert.deepEqual(local, recorded.local.facts);
      assert.deepEqual(ours.result.warnings, recorded.local.warnings);
      assert.equal(existsSync(join(lab.hosts[0].root, 'root/injected')), false);
      const elsewhere = await runModule(setup, { gather_subset: '!all,!min,local', fact_path: '/nowhere' }, { connection: conn });
      assert.deepEqual((elsewhere.result.ansible_facts as Record<string, unknown>).ansible_local, {});
    } finally {
      removeLocalFacts();
    }
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
      const { facts } = await gatherFacts(rocky);
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
  test('setup returns ansible_facts with the ansible_ prefix, unchanged; filter keeps matching facts', async () => {
    const all = await runModule(setup, {}, { connection: conn });
    assert.equal(all.result.changed, false);
    assert.equal((all.result.ansible_facts as Record<string, unknown>).ansible_distribution, 'Debian');
    const some = await runModule(setup, { filter: 'ansible_distribution*' }, { connection: conn });
    const keys = Object.keys(some.result.ansible_facts as object);
    assert.ok(keys.length >= 4);
    assert.ok(keys.every((key) => key.startsWith('ansible_distribution')), keys.join());
  });

  test('ping answers pong (or the given data)', async () => {
    assert.deepEqual((await runModule(ping, {}, { connection: conn })).result, { ping: 'pong', changed: false });
    assert.equal((await runModule(ping, { data: 'hello' }, { connection: conn })).result.ping, 'hello');
  });
});
