import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withEnvironment } from '../../src/connection/environment.js';
import { LocalConnection } from '../../src/connection/local.js';
import { ArgumentError } from '../../src/modules/args.js';
import pkg from '../../src/modules/packages/package.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { aptRootEnvironment, debRepos, makeAptRoot, type DebRepos } from '../helpers/deb-repo.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, type HarnessOptions } from '../helpers/module-harness.js';
import { makeInstallroot, rpmRepos, type RpmRepos } from '../helpers/rpm-repo.js';

/** One local connection (one driver) for the file: each task's environment goes with each of its commands. */
const local = new LocalConnection('localhost');

function runIn(root: string, args: Record<string, unknown>, options: HarnessOptions = {}) {
  return runModule(pkg, args, { ...options, connection: withEnvironment(local, aptRootEnvironment(root)) });
}

function debsIn(root: string): string[] {
  const out = execFileSync('dpkg-query', ['--admindir', join(root, 'var', 'lib', 'dpkg'), '-W', '-f', '${Package}=${Version}\\n'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

function rpmsIn(root: string): string[] {
  return execFileSync('rpm', ['--root', root, '-qa', '--qf', '%{NAME}-%{VERSION}\\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

describe('package', () => {
  let debs: DebRepos;
  let rpms: RpmRepos;

  before(async () => {
    [debs, rpms] = await Promise.all([debRepos(), rpmRepos()]);
  });

  test('uses apt where the pkg_mgr fact says apt, passing the other arguments on', async () => {
    const root = makeAptRoot([debs.base]);
    const vars = { ansible_facts: { pkg_mgr: 'apt' } };
    const first = await runIn(root, { name: 'beta', state: 'present', update_cache: true }, { vars });
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.equal(first.result.cache_updated, true);
    assert.deepEqual(debsIn(root), ['alpha=1.0', 'beta=1.0']);
    assert.equal((await runIn(root, { name: 'beta', state: 'present' }, { vars })).result.changed, false);

    const check = await runIn(root, { name: 'beta', state: 'absent' }, { vars, check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(check.diff.map(({ before, after }) => [before, after]), [['beta=1.0\n', '']]);
    assert.deepEqual(debsIn(root), ['alpha=1.0', 'beta=1.0']);
  });

  test('gathers pkg_mgr itself when facts were not gathered (this Debian machine: apt)', async () => {
    const root = makeAptRoot([debs.base]);
    const { result } = await runIn(root, { name: 'gamma', state: 'latest', update_cache: true });
    assert.equal(result.changed, true, String(result.msg));
    assert.deepEqual(debsIn(root), ['gamma=1.0']);
  });

  test('use: dnf picks dnf whatever the facts say', async () => {
    const root = makeInstallroot(rpms.base);
    const args = { name: 'beta', state: 'installed', use: 'dnf', installroot: root, releasever: '9', disablerepo: '*', enablerepo: 'local' };
    const first = await runModule(pkg, args, { vars: { ansible_facts: { pkg_mgr: 'apt' } } });
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.deepEqual(first.result.installed, ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);
    assert.deepEqual(rpmsIn(root), ['alpha-1.0', 'beta-1.0']);
    assert.equal((await runModule(pkg, args)).result.changed, false);
  });

  test('a manager without a module, or arguments the chosen module does not take, fail the task', async () => {
    const zypper = await runModule(pkg, { name: 'x', state: 'present', use: 'zypper' });
    assert.deepEqual([zypper.result.failed, zypper.result.msg], [true, 'Could not find a module for zypper.']);
    const unknown = await runModule(pkg, { name: 'x', state: 'present' }, { vars: { ansible_facts: { pkg_mgr: 'unknown' } } });
    assert.equal(unknown.result.msg, 'Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
    const wrong = await runModule(pkg, { name: 'x', state: 'present', use: 'apt', enablerepo: 'local' });
    assert.match(String(wrong.result.msg), /^unsupported argument 'enablerepo' for module 'apt'/);
  });

  test('name and state are required, at load time', async () => {
    await assert.rejects(runModule(pkg, { name: 'x' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.equal(error.message, "missing required argument 'state' for module 'package'");
      return true;
    });
  });
});

const PLAYBOOK = `
- hosts: all
  gather_facts: true
  environment:
    APT_CONFIG: /srv/aptroot/etc/apt/betif-root.conf
    DPKG_ROOT: /srv/aptroot
  tasks:
    - name: the facts package decides by
      assert:
        that:
          - ansible_pkg_mgr == 'apt'
          - ansible_os_family == 'Debian'
          - ansible_selinux.status == 'disabled'
    - name: a package through the host's manager
      package:
        name: [beta, gamma]
        state: present
        update_cache: true
`;

describe('package over SSH', () => {
  let lab: Lab;
  let work: string;
  let base: string[];
  let root: string;

  before(async () => {
    const repos = await debRepos();
    lab = await startLab(1, { basePort: labPort(2730), dir: join(tmpdir(), 'betif-lab-package') });
    const host = lab.hosts[0];
    const onHost = (path: string) => join(host.root, path);
    rmSync(onHost('/srv/aptroot'), { recursive: true, force: true });
    cpSync(repos.base, onHost('/srv/deb-repo'), { recursive: true });
    makeAptRoot(['/srv/deb-repo'], '/srv/aptroot', onHost);
    root = onHost('/srv/aptroot');
    work = mkdtempSync(join(tmpdir(), 'betif-package-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook installs through the gathered pkg_mgr once', async () => {
    const first = await betifPlay(base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.deepEqual(debsIn(root), ['alpha=1.0', 'beta=1.0', 'gamma=1.0']);
    const second = await betifPlay(base);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
