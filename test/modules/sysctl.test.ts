import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sysctl from '../../src/modules/system/sysctl.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule } from '../helpers/module-harness.js';

const STANDIN = fileURLToPath(new URL('../../../test/lab/standins/sysctl', import.meta.url));

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

/*
 * The lab hosts share the test machine's /proc: every test puts the stand-in sysctl first on the
 * host's PATH (/opt/lab/bin), so the kernel's own settings are never written.
 */
describe('sysctl on a lab host (with a stand-in)', () => {
  let lab: LabPlaybooks;
  const path = (relative: string) => join(lab.root, relative);
  const conf = () => readFileSync(path('etc/sysctl.d/90-betif.conf'), 'utf8');
  const running = (key: string) => {
    const file = path(`var/lib/lab-sysctl/${key.replace(/\./g, '/')}`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  };
  const calls = () => (existsSync(path('var/log/lab-sysctl.log')) ? readFileSync(path('var/log/lab-sysctl.log'), 'utf8').trim().split('\n') : []);

  before(async () => {
    lab = await labPlaybooks('sysctl', 2920);
    mkdirSync(path('opt/lab/bin'), { recursive: true });
    copyFileSync(STANDIN, path('opt/lab/bin/sysctl'));
  });

  beforeEach(() => {
    assert.equal(existsSync(path('opt/lab/bin/sysctl')), true, 'the stand-in guards the kernel');
    rmSync(path('var/lib/lab-sysctl'), { recursive: true, force: true });
    rmSync(path('var/log/lab-sysctl.log'), { force: true });
    mkdirSync(path('etc/sysctl.d'), { recursive: true });
    writeFileSync(path('etc/sysctl.d/90-betif.conf'), '# tuned by betif\nvm.swappiness = 60\n  net.core.somaxconn=128  \nvm.swappiness=70\n');
  });

  after(async () => {
    await lab?.stop();
  });

  test('sets a value in the file and reloads it; a second run changes nothing', async () => {
    const tasks = play('    - ansible.posix.sysctl: {name: vm.swappiness, value: 10, sysctl_file: /etc/sysctl.d/90-betif.conf}\n      register: set\n    - debug: {var: set}\n');
    const first = await lab.play(tasks);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 1);
    // As Ansible rewrites it: lines stripped, each key once, as key=value.
    assert.equal(conf(), '# tuned by betif\nvm.swappiness=10\nnet.core.somaxconn=128\n');
    assert.equal(running('vm.swappiness'), '10');
    assert.match(first.stdout, /"set": \{\n\s+"changed": true,\n\s+"failed": false\n\s+\}/);
    assert.ok(calls().includes('sysctl -p /etc/sysctl.d/90-betif.conf'), calls().join('\n'));
    const second = await lab.play(tasks);
    assert.equal(second.recap.h1.changed, 0, second.stdout);
  });

  test('--check changes nothing, --diff shows the file change', async () => {
    const before = conf();
    const run = await lab.play(play('    - sysctl: {name: net.ipv4.ip_forward, value: "yes", sysctl_file: /etc/sysctl.d/90-betif.conf, sysctl_set: true}\n'), ['--check', '--diff']);
    assert.equal(run.recap.h1.changed, 1);
    assert.equal(conf(), before);
    assert.deepEqual(calls().filter((call) => !call.startsWith('sysctl -e -n')), []);
    assert.match(run.stdout, /\+net.ipv4.ip_forward=1\n/);
  });

  test('sysctl_set writes the running value; reload false leaves the running value; absent removes the line', async () => {
    const kept = await lab.play(play('    - sysctl: {name: vm.swappiness, value: "70", sysctl_file: /etc/sysctl.d/90-betif.conf, reload: false}\n'));
    assert.equal(kept.recap.h1.changed, 0, 'the file already says 70 (its last line wins)');
    const set = await lab.play(play('    - sysctl: {name: net.ipv4.ip_forward, value: "1", sysctl_file: /etc/sysctl.d/90-betif.conf, sysctl_set: true, reload: false}\n'));
    assert.equal(set.recap.h1.changed, 1, set.stdout);
    assert.equal(running('net.ipv4.ip_forward'), '1');
    assert.ok(calls().includes('sysctl -w net.ipv4.ip_forward=1'));
    assert.equal(calls().some((call) => call.includes('-p')), false);
    const removed = await lab.play(play('    - sysctl: {name: net.core.somaxconn, state: absent, sysctl_file: /etc/sysctl.d/90-betif.conf, reload: false}\n'));
    assert.equal(removed.recap.h1.changed, 1);
    assert.doesNotMatch(conf(), /somaxconn/);
  });

  test('an unknown key fails the reload with sysctl\'s message; ignoreerrors lets it pass', async () => {
    const run = await lab.play(play(`    - sysctl: {name: net.nope.x, value: "1", sysctl_file: /etc/sysctl.d/90-betif.conf}
      ignore_errors: true
    - sysctl: {name: net.nope.y, value: "1", sysctl_file: /etc/sysctl.d/90-betif.conf, ignoreerrors: true}
`));
    assert.match(run.stdout, /"msg": "Failed to reload sysctl: vm.swappiness = 60\\nnet.core.somaxconn = 128\\nsysctl: cannot stat \/proc\/sys\/net\/nope\/x: No such file or directory\\n"/);
    assert.equal(run.recap.h1.ignored, 1);
    assert.equal(run.recap.h1.changed, 1);
  });

  test('names and values are data, never shell', async () => {
    const tag = `pwned-sysctl-${process.pid}`;
    const run = await lab.play(play(`    - sysctl: {name: "kernel.x;touch /tmp/${tag}", value: "$(touch /tmp/${tag})", sysctl_file: /etc/sysctl.d/90-betif.conf, reload: false}\n`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(conf(), new RegExp(`^kernel.x;touch /tmp/${tag}=\\$\\(touch /tmp/${tag}\\)$`, 'm'));
    for (const where of [path('tmp'), '/tmp']) assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
  });

  test('bad arguments fail at load time; a missing value is refused', async () => {
    const run = await lab.play(play('    - sysctl: {name: vm.swappiness, valeu: 1}\n'));
    assert.equal(run.code, 4);
    assert.match(run.stderr, new RegExp(`${run.path}:4:7: .*unsupported argument 'valeu' for module 'sysctl' \\(did you mean 'value'\\?\\)`));
    await assert.rejects(runModule(sysctl, { name: 'vm.swappiness', value: 1, reload: 'sometimes' }), /argument 'reload' must be boolean/);
    const missing = await runModule(sysctl, { name: 'vm.swappiness', reload: false, sysctl_file: '/nonexistent/x.conf' });
    assert.equal(missing.result.msg, 'state is present but all of the following are missing: value');
  });
});
