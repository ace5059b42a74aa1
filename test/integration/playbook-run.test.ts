import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';

const PLAYBOOK = `
- name: configure the test hosts
  hosts: all
  gather_facts: true
  vars:
    motd_owner: "{{ inventory_hostname }}"
  tasks:
    - name: app folder
      file: {path: /srv/app, state: directory, mode: "0755"}
    - name: motd
      copy:
        dest: /srv/app/motd
        content: "managed for {{ motd_owner }} on {{ ansible_facts.distribution }}\\n"
        mode: "0644"
    - name: settings line
      lineinfile: {path: /srv/app/app.conf, line: "port=8080", create: true}
      notify: note restart
    - name: marker
      command: touch /srv/app/marker
      args: {creates: /srv/app/marker}
    - name: read back
      command: cat /srv/app/motd
      register: motd
      changed_when: false
      when: not ansible_check_mode
    - name: check what was written
      assert:
        that:
          - "'managed for ' ~ inventory_hostname in motd.stdout"
      when: not ansible_check_mode
  handlers:
    - name: note restart
      copy: {dest: /srv/app/restarted, content: "yes\\n"}
`;

function snapshot(lab: Lab): Map<string, string> {
  const files = new Map<string, string>();
  for (const host of lab.hosts) {
    for (const name of ['motd', 'app.conf', 'marker', 'restarted']) {
      const path = join(host.root, 'srv', 'app', name);
      files.set(`${host.name}:${name}`, existsSync(path) ? `${statSync(path).mode.toString(8)}:${readFileSync(path, 'utf8')}` : '<absent>');
    }
  }
  return files;
}

describe('a playbook over real SSH against lab hosts', () => {
  let lab: Lab;
  let work: string;
  let base: string[];

  before(async () => {
    lab = await startLab(3, { basePort: labPort(2610), dir: join(tmpdir(), 'betif-lab-run') });
    work = mkdtempSync(join(tmpdir(), 'betif-run-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('--check on fresh hosts reports changes and changes nothing', async () => {
    const before = snapshot(lab);
    const run = await betifPlay([...base, '--check']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const recap = parseRecap(run.stdout);
    for (const host of lab.hosts) assert.ok(recap[host.name].changed >= 3, run.stdout);
    assert.deepEqual(snapshot(lab), before);
  });

  test('the first run changes every host and reaches the end state', async () => {
    const run = await betifPlay(base);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const recap = parseRecap(run.stdout);
    for (const host of lab.hosts) {
      assert.equal(recap[host.name].failed, 0);
      assert.equal(recap[host.name].changed, 5, run.stdout);
      const motd = readFileSync(join(host.root, 'srv/app/motd'), 'utf8');
      assert.match(motd, new RegExp(`^managed for ${host.name} on \\w+\\n$`));
      assert.equal(statSync(join(host.root, 'srv/app/motd')).mode & 0o777, 0o644);
      assert.equal(readFileSync(join(host.root, 'srv/app/app.conf'), 'utf8'), 'port=8080\n');
      assert.equal(readFileSync(join(host.root, 'srv/app/restarted'), 'utf8'), 'yes\n');
    }
    assert.match(run.stdout, /RUNNING HANDLER \[note restart\]/);
  });

  test('a second run reports changed=0 and runs no handler', async () => {
    const run = await betifPlay(base);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const recap = parseRecap(run.stdout);
    for (const host of lab.hosts) assert.equal(recap[host.name].changed, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /RUNNING HANDLER/);
  });

  test('--check --diff shows the unified diff of a drifted file without touching it', async () => {
    const motd = join(lab.hosts[0].root, 'srv/app/motd');
    writeFileSync(motd, 'edited by hand\n');
    const before = snapshot(lab);
    const run = await betifPlay([...base, '--check', '--diff']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /--- before: \/srv\/app\/motd\n\+\+\+ after: \/srv\/app\/motd\n@@ -1 \+1 @@\n-edited by hand\n\+managed for h1/);
    assert.equal(parseRecap(run.stdout).h1.changed, 1);
    assert.equal(parseRecap(run.stdout).h2.changed, 0);
    assert.deepEqual(snapshot(lab), before);
  });

  test('a failing task drops only its host; the others go on; exit code 2', async () => {
    const playbook = join(work, 'fail.yml');
    writeFileSync(playbook, `
- hosts: all
  gather_facts: false
  tasks:
    - name: fails on h2 only
      command: /bin/false
      when: inventory_hostname == 'h2'
    - name: after the failure
      copy: {dest: /srv/app/after, content: "ran\\n"}
`);
    const run = await betifPlay([playbook, '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /fatal: \[h2\]: FAILED! => \{.*"msg": "non-zero return code"/);
    const recap = parseRecap(run.stdout);
    assert.equal(recap.h2.failed, 1);
    assert.equal(recap.h1.failed, 0);
    assert.ok(existsSync(join(lab.hosts[0].root, 'srv/app/after')));
    assert.ok(!existsSync(join(lab.hosts[1].root, 'srv/app/after')));
  });

  test('an unknown host key refuses the host as UNREACHABLE with its fingerprint; exit code 4', async () => {
    const home = mkdtempSync(join(tmpdir(), 'betif-home-'));
    const run = await betifPlay([join(work, 'site.yml'), '-i', lab.inventoryPath, '-l', 'h1'], { env: { HOME: home } });
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /fatal: \[h1\]: UNREACHABLE! => .*SHA256:/);
    assert.equal(parseRecap(run.stdout).h1.unreachable, 1);
  });

  test('a host whose sshd is down is UNREACHABLE, the others go on; exit code 4', async () => {
    const inventory = join(work, 'with-dead-host.ini');
    writeFileSync(inventory, `${readFileSync(lab.inventoryPath, 'utf8')}\ndead ansible_host=127.0.0.1 ansible_port=2699 ansible_user=root\n`);
    const run = await betifPlay([join(work, 'site.yml'), '-i', inventory, '--known-hosts', lab.knownHostsPath]);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    const recap = parseRecap(run.stdout);
    assert.equal(recap.dead.unreachable, 1);
    assert.equal(recap.h1.unreachable, 0);
    assert.equal(recap.h1.failed, 0);
  });
});
