import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { NodeSSH } from 'node-ssh';
import { DRIVER_HELLO, DRIVER_SCRIPT, encodeRequest } from '../../src/connection/driver.js';
import { quoteArgv, shellScript } from '../../src/connection/quote.js';
import { BIN, betifPlay, parseRecap, type CliRun } from '../helpers/cli.js';
import { labPort, startLab, type Lab, type LabHost } from '../helpers/lab.js';

/*
 * Faults over real SSH on lab hosts: a host that stops answering, a jump host that dies, a full disk, signals to the
 * controller, a changed host key, and 100 inventory hosts of which 10 are unreachable and 10 fail.
 */

let lab: Lab;
let work: string;

interface Running {
  child: ReturnType<typeof spawn>;
  done: Promise<CliRun>;
}

function playbookFile(playbook: string): string {
  const path = join(work, `play-${randomBytes(4).toString('hex')}.yml`);
  writeFileSync(path, playbook);
  return path;
}

/** Starts betif-play as its own process without waiting for it, so that a test can signal the controller meanwhile. */
function startPlay(playbook: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, playbookFile(playbook), ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return { child, done };
}

/** Runs betif-play (in a process that has it loaded already: see betifPlay); a test may act on the hosts meanwhile. */
function play(playbook: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return betifPlay([playbookFile(playbook), ...args], { env });
}

/** The processes of a lab host (its sshd and everything in its sessions): those chrooted into its root. */
function hostPids(host: LabHost): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/root`) === host.root) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function hostCommands(host: LabHost): string[] {
  return hostPids(host).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return '';
    }
  });
}

async function waitFor(what: string, condition: () => boolean, attempts = 1200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (condition()) return;
    await delay(25);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Waits until the host runs nothing but its listening sshd (sessions closed, commands ended). */
function settled(host: LabHost): Promise<void> {
  return waitFor(`${host.name} to settle`, () => hostPids(host).length === 1);
}

/** Files a run may leave behind on a host: the write temp files and the command stream's input folder. */
function leftovers(host: LabHost): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (/^\.betif\..*\.tmp/.test(entry.name) || (dir.endsWith('/tmp') && entry.name.startsWith('tmp.'))) found.push(path);
      else if (entry.isDirectory() && !entry.isSymbolicLink()) walk(path);
    }
  };
  for (const dir of ['srv', 'tmp', 'root', 'var/tmp']) walk(join(host.root, dir));
  return found;
}

function inventoryLine(name: string, port: number, extra = ''): string {
  return `${name} ansible_host=127.0.0.1 ansible_port=${port} ansible_user=root ansible_ssh_private_key_file=${lab.keyPath}${extra}`;
}

function clearSrv(): void {
  for (const host of lab.hosts) for (const name of readdirSync(join(host.root, 'srv'))) rmSync(join(host.root, 'srv', name), { recursive: true, force: true });
}

const SLOW_THEN_TOUCH = `
- hosts: all
  gather_facts: false
  tasks:
    - name: slow task
      command: sleep 4
    - name: after the slow task
      file: {path: /srv/after, state: touch}
`;

before(async () => {
  lab = await startLab(3, { basePort: labPort(3091), dir: join(tmpdir(), 'betif-lab-faults') });
  work = mkdtempSync(join(tmpdir(), 'betif-faults-'));
});

after(async () => {
  await lab?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('fault drill over real SSH', () => {
  test('a host that stops answering mid-task (sshd and children SIGSTOPped) is UNREACHABLE after its keepalives; the others finish; exit 4', async () => {
    clearSrv();
    const [, h2] = lab.hosts;
    const running = play(SLOW_THEN_TOUCH, ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--ssh-common-args', '-o ServerAliveInterval=1 -o ServerAliveCountMax=2']);
    await waitFor('the slow task on h2', () => hostCommands(h2).some((command) => command === 'sleep 4'));
    const stopped = hostPids(h2);
    for (const pid of stopped) process.kill(pid, 'SIGSTOP');
    let run: CliRun;
    try {
      run = await running;
    } finally {
      for (const pid of stopped) process.kill(pid, 'SIGCONT');
    }
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /fatal: \[h2\]: UNREACHABLE! => .*Keepalive timeout/);
    const recap = parseRecap(run.stdout);
    assert.deepEqual([recap.h2.unreachable, recap.h2.ok], [1, 0]);
    for (const name of ['h1', 'h3']) assert.deepEqual([recap[name].ok, recap[name].changed, recap[name].unreachable], [2, 2, 0], name);
    assert.ok(existsSync(join(lab.hosts[0].root, 'srv/after')));
    assert.ok(!existsSync(join(h2.root, 'srv/after')));
    await settled(h2);
  });

  test('a jump host that dies mid-play: it and every host behind it are UNREACHABLE, the host not behind it finishes; exit 4', async () => {
    clearSrv();
    const [h1, h2, h3] = lab.hosts;
    const inventory = join(work, 'jump.ini');
    writeFileSync(inventory, [
      '[lab]',
      inventoryLine('h1', h1.port),
      inventoryLine('h2', h2.port, " ansible_ssh_common_args='-o ProxyJump=h1'"),
      inventoryLine('h3', h3.port),
      '',
    ].join('\n'));
    const running = play(SLOW_THEN_TOUCH, ['-i', inventory, '--known-hosts', lab.knownHostsPath]);
    try {
      await waitFor('the slow task on h2 (behind h1)', () => hostCommands(h2).some((command) => command === 'sleep 4'));
      await lab.stopHost('h1');
      const run = await running;
      assert.equal(run.code, 4, run.stdout + run.stderr);
      const recap = parseRecap(run.stdout);
      assert.equal(recap.h1.unreachable, 1);
      assert.equal(recap.h2.unreachable, 1);
      assert.match(run.stdout, /fatal: \[h2\]: UNREACHABLE! => .*Failed to connect to the host via ssh/);
      assert.deepEqual([recap.h3.ok, recap.h3.changed, recap.h3.unreachable, recap.h3.failed], [2, 2, 0, 0]);
      assert.ok(existsSync(join(h3.root, 'srv/after')));
      assert.ok(!existsSync(join(h2.root, 'srv/after')));
    } finally {
      await lab.startHosts();
    }
  });

  describe('a disk that fills during copy and template (a 256 KiB tmpfs mounted inside the host)', () => {
    const small = '/mnt/small';
    let h1: LabHost;
    let namespace: string[];

    const inHost = (args: string[]): string => execFileSync('nsenter', [...namespace, '--', ...args], { encoding: 'utf8' });

    before(async () => {
      h1 = lab.hosts[0];
      const sshd = readFileSync(join(h1.root, 'run/betif-sshd.pid'), 'utf8').trim();
      namespace = ['-t', sshd, '-m'];
      inHost(['mkdir', '-p', `${h1.root}${small}`]);
      inHost(['mount', '-t', 'tmpfs', '-o', 'size=256k', 'betif-small', `${h1.root}${small}`]);
    });

    after(() => {
      inHost(['umount', `${h1.root}${small}`]);
    });

    for (const module of ['copy', 'template'] as const) {
      test(`${module}: the old file stays whole, no temp file is left, the error names the path and "no space left on device"`, async () => {
        const dest = `${small}/${module}.conf`;
        const old = `old content of ${module}.conf\n`;
        const big = 'x'.repeat(1024 * 1024);
        writeFileSync(join(work, 'big.j2'), `{{ filler }}\n`);
        const task = module === 'copy' ? `copy: {dest: ${dest}, content: "{{ filler }}"}` : `template: {dest: ${dest}, src: ${join(work, 'big.j2')}}`;
        const first = await play(`
- hosts: h1
  gather_facts: false
  tasks:
    - copy: {dest: ${dest}, content: ${JSON.stringify(old)}}
`, ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath]);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        const run = await play(`
- hosts: h1
  gather_facts: false
  vars:
    filler: ${big}
  tasks:
    - ${task}
`, ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath]);
        assert.equal(run.code, 2, run.stdout + run.stderr);
        assert.match(run.stdout, /fatal: \[h1\]: FAILED! => .*/);
        const fatal = run.stdout.split('\n').find((line) => line.startsWith('fatal: [h1]')) ?? '';
        assert.match(fatal, /no space left on device/i);
        assert.ok(fatal.includes(dest), fatal);
        assert.equal(inHost(['cat', `${h1.root}${dest}`]), old);
        assert.deepEqual(inHost(['ls', '-A', `${h1.root}${small}`]).split('\n').filter((name) => name.startsWith('.')), []);
        assert.deepEqual(leftovers(h1), []);
      });
    }
  });

  describe('signals to the controller', () => {
    const big = randomBytes(24 * 1024 * 1024);
    const bigSum = createHash('sha256').update(big).digest('hex');
    const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: slow task
      command: sleep 3
    - name: big file
      copy: {src: big.bin, dest: /srv/big.bin}
    - name: never reached
      file: {path: /srv/never, state: touch}
`;

    before(() => writeFileSync(join(work, 'big.bin'), big));

    /** No file is half there: the big file is absent or whole, no temp file or stream input is left. */
    async function assertNothingHalf(): Promise<void> {
      for (const host of lab.hosts) {
        await settled(host);
        const path = join(host.root, 'srv/big.bin');
        if (existsSync(path)) assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), bigSum, `${host.name} has a partial big.bin`);
        assert.ok(!existsSync(join(host.root, 'srv/never')), `${host.name} started work after the signal`);
        assert.deepEqual(leftovers(host), [], host.name);
      }
    }

    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      test(`${signal}: no new work starts, nothing is left half done, exit 99`, async () => {
        clearSrv();
        const running = startPlay(PLAYBOOK, ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath]);
        await waitFor('the slow task', () => lab.hosts.every((host) => hostCommands(host).includes('sleep 3')));
        running.child.kill(signal);
        const run = await running.done;
        assert.equal(run.code, 99, run.stdout + run.stderr);
        assert.match(run.stderr, /\[ERROR\]: User interrupted execution/);
        assert.doesNotMatch(run.stdout, /UNREACHABLE|PLAY RECAP/, 'hosts cut off by the interruption are not reported');
        await assertNothingHalf();
        for (const host of lab.hosts) assert.ok(!existsSync(join(host.root, 'srv/big.bin')), `${host.name}: the copy started after the signal`);
      });
    }

    test('a second SIGINT while a large copy is being sent exits at once, still leaving no partial file', async () => {
      clearSrv();
      const running = startPlay(PLAYBOOK, ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath]);
      // The copy is in flight once a host receives its input (the command stream's input file) or writes its temp file
      // (`head -c 0` is a driver's check of head as it starts).
      const sending = (host: LabHost): boolean => hostCommands(host).some((command) => (command.startsWith('head -c') && command !== 'head -c 0') || command.startsWith('base64 -d'));
      await waitFor('the copy to be in flight', () => lab.hosts.some(sending), 4000);
      running.child.kill('SIGINT');
      running.child.kill('SIGINT');
      const run = await running.done;
      assert.equal(run.code, 99, run.stdout + run.stderr);
      await assertNothingHalf();
    });
  });

  describe('a request cut short on its way to the host (the controller died mid-send) never runs', () => {
    /** Starts the command stream's driver on h1, sends the first `keep` bytes of a request, then ends the channel. */
    async function sendCut(request: Buffer, keep: number): Promise<void> {
      const ssh = new NodeSSH();
      await ssh.connect({ host: '127.0.0.1', port: lab.hosts[0].port, username: 'root', privateKeyPath: lab.keyPath });
      try {
        await new Promise<void>((resolve, reject) => {
          ssh.connection?.exec(quoteArgv(shellScript(DRIVER_SCRIPT)), (error, channel) => {
            if (error) return reject(error);
            let hello = '';
            channel.on('data', (chunk: Buffer) => {
              hello += chunk.toString();
              if (hello === DRIVER_HELLO) channel.end(request.subarray(0, keep));
            });
            channel.on('close', () => resolve());
          });
        });
      } finally {
        ssh.dispose();
      }
    }

    test('its input cut short: the command does not run, the input file is removed', async () => {
      clearSrv();
      const request = encodeRequest('c0ffee', { text: quoteArgv(['sh', '-c', 'cat > /srv/cut']), collected: false }, Buffer.alloc(200_000, 'a'));
      await sendCut(request, request.length - 1_000);
      await settled(lab.hosts[0]);
      assert.ok(!existsSync(join(lab.hosts[0].root, 'srv/cut')));
      assert.deepEqual(leftovers(lab.hosts[0]), []);
      // The same request whole does run: the cut was what stopped it.
      await sendCut(request, request.length);
      await settled(lab.hosts[0]);
      assert.equal(readFileSync(join(lab.hosts[0].root, 'srv/cut')).length, 200_000);
    });

    test('its command text (over 4 KiB) cut short: nothing of it runs', async () => {
      clearSrv();
      const text = `touch /srv/cut-text\n: ${'x'.repeat(8_000)}`;
      const request = encodeRequest('c0ffee', { text, collected: false });
      await sendCut(request, request.length - 3);
      await settled(lab.hosts[0]);
      assert.ok(!existsSync(join(lab.hosts[0].root, 'srv/cut-text')));
      await sendCut(request, request.length);
      await settled(lab.hosts[0]);
      assert.ok(existsSync(join(lab.hosts[0].root, 'srv/cut-text')));
    });
  });

  test('a host key that changed since known_hosts was written: refused with both fingerprints and how to fix it; the others go on', async () => {
    clearSrv();
    const [, h2] = lab.hosts;
    const fingerprintOf = (file: string): string => execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[1];
    const oldKey = join(work, 'old_host_key');
    rmSync(oldKey, { force: true });
    rmSync(`${oldKey}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', oldKey]);
    const oldBlob = readFileSync(`${oldKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const knownHosts = join(work, 'known_hosts_changed');
    const name = `[127.0.0.1]:${h2.port}`;
    writeFileSync(knownHosts, readFileSync(lab.knownHostsPath, 'utf8').split('\n').map((line) => (line.startsWith(`${name} `) ? `${name} ${oldBlob}` : line)).join('\n'));
    const run = await play(SLOW_THEN_TOUCH.replace('sleep 4', '"true"'), ['-i', lab.inventoryPath, '--known-hosts', knownHosts], { HOME: work });
    const { stdout } = run;
    assert.equal(run.code, 4, stdout + run.stderr);
    const fatal = stdout.split('\n').find((line) => line.startsWith('fatal: [h2]')) ?? '';
    assert.match(fatal, /UNREACHABLE!.*REMOTE HOST IDENTIFICATION HAS CHANGED/, stdout);
    assert.ok(fatal.includes(fingerprintOf(join(lab.dir, 'hosts/h2/ssh_host_ed25519_key.pub'))), `the server's fingerprint: ${fatal}`);
    assert.ok(fatal.includes(fingerprintOf(`${oldKey}.pub`)), `the known fingerprint: ${fatal}`);
    assert.ok(fatal.includes(`ssh-keygen -R '${name}' -f ${knownHosts}`), `how to fix it: ${fatal}`);
    const recap = parseRecap(stdout);
    assert.equal(recap.h2.unreachable, 1);
    for (const host of ['h1', 'h3']) assert.deepEqual([recap[host].ok, recap[host].unreachable, recap[host].failed], [2, 0, 0], host);
  });

  test('100 inventory hosts (80 on the three lab sshds), 10 unreachable and 10 failing: recap, exit code 4 and the retry file as ansible-playbook 2.14 gives them', async () => {
    clearSrv();
    const names = Array.from({ length: 100 }, (_, index) => `n${String(index + 1).padStart(3, '0')}`);
    const unreachable = names.filter((_, index) => index % 10 === 3);
    const failing = names.filter((_, index) => index % 10 === 7);
    const refusedPort = labPort(3099);
    const lines = names.map((name, index) => (unreachable.includes(name) ? inventoryLine(name, refusedPort) : inventoryLine(name, lab.hosts[index % 3].port)));
    const inventory = join(work, 'hundred.ini');
    writeFileSync(inventory, ['[many]', ...lines, '', '[many:vars]', `failing=${JSON.stringify(failing)}`, ''].join('\n'));
    const retryFolder = join(work, 'retry');
    const run = await play(`
- hosts: many
  gather_facts: false
  tasks:
    - name: reach
      ping:
    - name: ten fail
      fail: {msg: planned failure}
      when: inventory_hostname in failing
    - name: after
      command: "true"
`, ['-i', inventory, '--known-hosts', lab.knownHostsPath], { ANSIBLE_RETRY_FILES_ENABLED: '1', ANSIBLE_RETRY_FILES_SAVE_PATH: retryFolder });
    assert.equal(run.code, 4, run.stdout + run.stderr);
    const recap = parseRecap(run.stdout);
    assert.equal(Object.keys(recap).length, 100);
    const counts = (name: string): string => {
      const { ok, changed, unreachable: down, failed, skipped, rescued, ignored } = recap[name];
      return `ok=${ok} changed=${changed} unreachable=${down} failed=${failed} skipped=${skipped} rescued=${rescued} ignored=${ignored}`;
    };
    for (const name of names) {
      if (unreachable.includes(name)) assert.equal(counts(name), 'ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0', name);
      else if (failing.includes(name)) assert.equal(counts(name), 'ok=1 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0', name);
      else assert.equal(counts(name), 'ok=2 changed=1 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0', name);
    }
    const files = readdirSync(retryFolder);
    assert.equal(files.length, 1);
    assert.ok(files[0].endsWith('.retry'));
    assert.equal(readFileSync(join(retryFolder, files[0]), 'utf8'), `${[...unreachable, ...failing].sort().join('\n')}\n`);
    assert.match(run.stdout, new RegExp(`to retry, use: --limit @${join(retryFolder, files[0]).replace(/[.]/g, '\\.')}`));
  });
});
