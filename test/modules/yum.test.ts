import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import yum from '../../src/modules/packages/yum.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule } from '../helpers/module-harness.js';
import { makeInstallroot, pointInstallrootAt, rpmRepos, type RpmRepos } from '../helpers/rpm-repo.js';

function inRoot(root: string, args: Record<string, unknown>): Record<string, unknown> {
  return { installroot: root, releasever: '9', disablerepo: '*', enablerepo: 'local', ...args };
}

function installedIn(root: string): string[] {
  const out = execFileSync('rpm', ['--root', root, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

describe('yum (the dnf module under yum\'s argument names)', () => {
  let repos: RpmRepos;

  before(async () => {
    repos = await rpmRepos();
  });

  test('installs with its dependency under --check, then for real, then has nothing to do', async () => {
    const root = makeInstallroot(repos.base);
    const args = inRoot(root, { pkg: 'beta', state: 'installed' });
    const check = await runModule(yum, args, { check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(check.result.installed, ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);
    assert.deepEqual(installedIn(root), []);

    const first = await runModule(yum, args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.deepEqual(first.diff.map(({ after }) => after), ['alpha-1.0-1.noarch\nbeta-1.0-1.noarch\n']);
    assert.deepEqual(installedIn(root), ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);
    assert.equal((await runModule(yum, args)).result.changed, false);
  });

  test('latest with expire-cache upgrades; removed takes it out again', async () => {
    const root = makeInstallroot(repos.base);
    await runModule(yum, inRoot(root, { name: 'alpha' }));
    pointInstallrootAt(root, repos.updates);
    const latest = inRoot(root, { name: 'alpha', state: 'latest', 'expire-cache': true });
    const upgraded = await runModule(yum, latest);
    assert.deepEqual(upgraded.result.upgraded, ['alpha-1.1-1.noarch']);
    assert.equal((await runModule(yum, latest)).result.changed, false);
    assert.equal((await runModule(yum, inRoot(root, { name: 'alpha', state: 'removed' }))).result.changed, true);
    assert.deepEqual(installedIn(root), []);
  });

  test("arguments yum does not take are rejected at load time, with yum's names", async () => {
    await assert.rejects(runModule(yum, { name: 'alpha', setopt: { a: 1 } }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /^unsupported argument 'setopt' for module 'yum'/);
      return true;
    });
    await assert.rejects(runModule(yum, { name: 'alpha', state: 'newest' }), /argument 'state' must be one of: present, installed, latest, absent, removed/);
    const missing = await runModule(yum, { state: 'present' });
    assert.equal(missing.result.msg, 'one of the following is required: name, update_cache');
  });
});

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - yum:
        name: beta
        installroot: /srv/inst
        releasever: "9"
        disablerepo: "*"
        enablerepo: local
`;

describe('yum over SSH', () => {
  let lab: Lab;
  let base: string[];
  let root: string;

  before(async () => {
    const repos = await rpmRepos();
    lab = await startLab(1, { basePort: labPort(2740), dir: join(tmpdir(), 'betif-lab-yum') });
    const host = lab.hosts[0];
    root = join(host.root, 'srv', 'inst');
    rmSync(root, { recursive: true, force: true });
    cpSync(repos.base, join(host.root, 'srv', 'rpm-repo'), { recursive: true });
    makeInstallroot('/srv/rpm-repo', root);
    const work = mkdtempSync(join(tmpdir(), 'betif-yum-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook installs once; --check changes nothing', async () => {
    const check = await betifPlay([...base, '--check']);
    assert.equal(parseRecap(check.stdout).h1.changed, 1, check.stdout + check.stderr);
    assert.deepEqual(installedIn(root), []);
    const first = await betifPlay(base);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout + first.stderr);
    assert.deepEqual(installedIn(root), ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout + second.stderr);
  });
});
