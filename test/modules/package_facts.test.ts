import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withEnvironment } from '../../src/connection/environment.js';
import { LocalConnection } from '../../src/connection/local.js';
import { ArgumentError } from '../../src/modules/args.js';
import apt from '../../src/modules/packages/apt.js';
import packageFacts from '../../src/modules/packages/package_facts.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { aptRootEnvironment, debRepos, makeAptRoot } from '../helpers/deb-repo.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule } from '../helpers/module-harness.js';
import { rpmRepos } from '../helpers/rpm-repo.js';

describe('package_facts', () => {
  test("apt: every installed package in Ansible's shape, with its repository's origin", async () => {
    const repos = await debRepos();
    const root = makeAptRoot([repos.base]);
    const connection = withEnvironment(new LocalConnection('localhost'), aptRootEnvironment(root));
    await runModule(apt, { name: ['beta', 'conf'], update_cache: true }, { connection });
    await runModule(apt, { name: 'conf', state: 'absent' }, { connection });

    const { result } = await runModule(packageFacts, { manager: 'apt' }, { connection });
    assert.equal(result.changed, false);
    // conf's configuration is left (dpkg state rc): not installed, so not listed.
    assert.deepEqual((result.ansible_facts as Record<string, unknown>).packages, {
      alpha: [{ name: 'alpha', version: '1.0', arch: 'all', category: '', origin: 'betif', source: 'apt' }],
      beta: [{ name: 'beta', version: '1.0', arch: 'all', category: '', origin: 'betif', source: 'apt' }],
    });
  });

  test('unknown managers and bad arguments', async () => {
    const { result } = await runModule(packageFacts, { manager: ['apt', 'zypper'] });
    assert.deepEqual([result.failed, result.msg], [true, 'Unsupported package managers requested: zypper']);
    await assert.rejects(runModule(packageFacts, { strategy: 'some' }), (error: Error) => error instanceof ArgumentError && /argument 'strategy' must be one of: first, all/.test(error.message));
  });
});

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - package_facts:
        manager: [rpm, apt]
    - assert:
        that:
          - ansible_facts.packages.alpha[0].version == '1.0'
          - ansible_facts.packages.alpha[0].release == '1'
          - ansible_facts.packages.alpha[0].epoch is none
          - ansible_facts.packages.alpha[0].source == 'rpm'
          - "'dpkg' not in ansible_facts.packages"
    - package_facts:
        manager: apt
    - assert:
        that:
          - ansible_facts.packages.dpkg[0].source == 'apt'
`;

describe('package_facts over SSH', () => {
  let lab: Lab;
  let base: string[];

  before(async () => {
    const repos = await rpmRepos();
    lab = await startLab(1, { basePort: labPort(2760), dir: join(tmpdir(), 'betif-lab-package-facts') });
    // The host's own rpm database (its /var is its own) gets one package; its dpkg database is the machine's.
    execFileSync('rpm', ['--root', lab.hosts[0].root, '-i', '--justdb', '--nodeps', join(repos.base, 'alpha-1.0-1.noarch.rpm')], { stdio: 'ignore' });
    const work = mkdtempSync(join(tmpdir(), 'betif-package-facts-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('rpm first (strategy first), then apt when asked; never a change', async () => {
    const run = await betifPlay(base);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual([parseRecap(run.stdout).h1.changed, parseRecap(run.stdout).h1.failed], [0, 0]);
  });
});
