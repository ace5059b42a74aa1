import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withEnvironment } from '../../src/connection/environment.js';
import { LocalConnection } from '../../src/connection/local.js';
import { ArgumentError } from '../../src/modules/args.js';
import apt from '../../src/modules/packages/apt.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { aptRootEnvironment, debRepos, makeAptRoot, pointAptRootAt, type DebRepos } from '../helpers/deb-repo.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, type HarnessOptions } from '../helpers/module-harness.js';

/** One local connection (one driver) for the file: each task's environment goes with each of its commands. */
const local = new LocalConnection('localhost');

/** Runs apt in a private root (APT_CONFIG and DPKG_ROOT, as a task's `environment:` would set them). */
function runIn(root: string, args: Record<string, unknown>, options: HarnessOptions = {}) {
  return runModule(apt, args, { ...options, connection: withEnvironment(local, aptRootEnvironment(root)) });
}

/** `name=version state` of every package dpkg knows in the root (state: ii installed, rc configuration left). */
function packagesIn(root: string): string[] {
  const out = execFileSync('dpkg-query', ['--admindir', join(root, 'var', 'lib', 'dpkg'), '-W', '-f', '${Package}=${Version} ${db:Status-Abbrev}\\n'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((line) => line.trim()).sort();
}

function autoIn(root: string): string[] {
  const out = execFileSync('apt-mark', ['showauto'], { encoding: 'utf8', env: { ...process.env, ...aptRootEnvironment(root) } });
  return out.split('\n').filter(Boolean).sort();
}

describe('apt (real apt and dpkg, in a private root)', () => {
  let repos: DebRepos;

  before(async () => {
    repos = await debRepos();
  });

  test('updates the cache and installs a package with its dependency, then has nothing to do', async () => {
    const root = makeAptRoot([repos.base]);
    const args = { name: 'beta', update_cache: true };
    const first = await runIn(root, args);
    assert.equal(first.result.failed, undefined, String(first.result.msg));
    assert.equal(first.result.changed, true);
    assert.equal(first.result.cache_updated, true);
    assert.equal(typeof first.result.cache_update_time, 'number');
    assert.match(String(first.result.stdout), /Setting up beta \(1\.0\)/);
    assert.deepEqual(first.diff, [{ before: '', after: 'alpha=1.0\nbeta=1.0\n', beforeHeader: 'apt transaction', afterHeader: 'apt transaction' }]);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'beta=1.0 ii']);
    assert.deepEqual(autoIn(root), ['alpha']);

    const second = await runIn(root, { name: ['beta', 'alpha=1.0'], cache_valid_time: 3600 });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.cache_updated, false);
    assert.deepEqual(second.diff, []);
    // Naming a package that came in as a dependency marks it as installed by hand, as Ansible does.
    assert.deepEqual(autoIn(root), []);
  });

  test('update_cache updates a cache whose lists folder changed this very second, as Ansible compares times finer than seconds', async () => {
    const root = makeAptRoot([repos.base]);
    const now = new Date();
    utimesSync(join(root, 'var', 'lib', 'apt', 'lists'), now, now);
    const { result } = await runIn(root, { name: 'beta', update_cache: true });
    assert.equal(result.failed, undefined, String(result.msg));
    assert.equal(result.changed, true);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'beta=1.0 ii']);
  });

  test('check mode reports the change and apt-get --simulate output, and installs nothing', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { update_cache: true });
    const { result, diff } = await runIn(root, { name: ['beta', 'gamma'] }, { check: true });
    assert.equal(result.changed, true);
    assert.match(String(result.stdout), /^Inst alpha \(1\.0 /m);
    assert.equal(diff[0].after, 'alpha=1.0\nbeta=1.0\ngamma=1.0\n');
    assert.deepEqual(packagesIn(root), []);
  });

  test('update_cache alone reports whether the lists changed; cache_valid_time skips a fresh cache', async () => {
    const root = makeAptRoot([repos.base]);
    const check = await runIn(root, { update_cache: true }, { check: true });
    assert.deepEqual([check.result.changed, check.result.cache_updated], [true, true]);
    assert.equal(existsSync(join(root, 'var', 'lib', 'apt', 'lists', `${repos.base.replace(/\//g, '_').slice(1)}_._Packages`)), false);

    const first = await runIn(root, { update_cache: true });
    assert.deepEqual([first.result.changed, first.result.cache_updated], [true, true]);
    const fresh = await runIn(root, { update_cache: true, cache_valid_time: 3600 });
    assert.deepEqual([fresh.result.changed, fresh.result.cache_updated, fresh.result.cache_update_time], [false, false, first.result.cache_update_time]);
  });

  test('latest upgrades a package once the repository has a newer version; an exact version downgrades nothing it need not', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { name: ['alpha', 'gamma'], update_cache: true });
    pointAptRootAt(root, [repos.updates]);
    const present = await runIn(root, { name: 'alpha', update_cache: true });
    assert.equal(present.result.changed, false);

    const latest = { name: 'alpha', state: 'latest' };
    const check = await runIn(root, latest, { check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(check.diff.map(({ before, after }) => [before, after]), [['alpha=1.0\n', 'alpha=1.1\n']]);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'gamma=1.0 ii']);

    assert.equal((await runIn(root, latest)).result.changed, true);
    assert.deepEqual(packagesIn(root), ['alpha=1.1 ii', 'gamma=1.0 ii']);
    assert.equal((await runIn(root, latest)).result.changed, false);

    // A version glob moves to the best version it matches (up or, allowed, down), as Ansible's pin does.
    assert.equal((await runIn(root, { name: 'gamma=1.*' })).result.changed, true);
    assert.equal((await runIn(root, { name: 'gamma=1.*' })).result.changed, false);
    assert.equal((await runIn(root, { name: 'alpha=1.0*', allow_downgrade: true })).result.changed, true);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'gamma=1.1 ii']);
    assert.equal((await runIn(root, { name: 'alpha=1.0*' })).result.changed, false);
    assert.equal((await runIn(root, { name: 'alpha>=1.0' })).result.changed, false);
  });

  test('a version no repository has fails with Ansible\'s message', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { update_cache: true });
    const { result } = await runIn(root, { name: 'alpha=9.9' });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'no available installation candidate for alpha=9.9');
    const unknown = await runIn(root, { name: 'no-such-package' });
    assert.equal(unknown.result.msg, "No package matching 'no-such-package' is available");
    const glob = await runIn(root, { name: 'nothing*' });
    assert.equal(glob.result.msg, "No package(s) matching 'nothing*' available");
    assert.deepEqual(packagesIn(root), []);
  });

  test('default_release installs from a suite apt would not choose by itself', async () => {
    const root = makeAptRoot([repos.base, repos.backports]);
    await runIn(root, { update_cache: true });
    assert.equal((await runIn(root, { name: 'alpha' })).result.changed, true);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii']);
    const backports = { name: 'alpha', state: 'latest', default_release: 'tiny-backports' };
    assert.equal((await runIn(root, backports)).result.changed, true);
    assert.deepEqual(packagesIn(root), ['alpha=2.0 ii']);
    assert.equal((await runIn(root, backports)).result.changed, false);
  });

  test('install_recommends: no leaves the recommended package out', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { update_cache: true });
    await runIn(root, { name: 'delta', install_recommends: false });
    assert.deepEqual(packagesIn(root), ['delta=1.0 ii']);
    const other = makeAptRoot([repos.base]);
    await runIn(other, { name: 'delta', update_cache: true });
    assert.deepEqual(packagesIn(other), ['delta=1.0 ii', 'epsilon=1.0 ii']);
  });

  test('name globs and virtual packages resolve to real ones', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { update_cache: true });
    const glob = await runIn(root, { name: 'gam*' });
    assert.equal(glob.result.changed, true);
    const virtual = await runIn(root, { name: 'mail-agent' });
    assert.equal(virtual.result.changed, true, String(virtual.result.msg));
    assert.deepEqual(packagesIn(root), ['gamma=1.0 ii', 'mta=1.0 ii']);
    assert.equal((await runIn(root, { name: ['gam*', 'mail-agent'] })).result.changed, false);
  });

  test('absent removes, purge removes what remove leaves, autoremove takes the unneeded dependencies', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { name: ['beta', 'conf'], update_cache: true });
    assert.ok(existsSync(join(root, 'etc', 'tiny', 'conf.conf')));

    const removed = await runIn(root, { name: 'conf', state: 'absent' });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.diff.map(({ before, after }) => [before, after]), [['conf=1.0\n', '']]);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'beta=1.0 ii', 'conf=1.0 rc']);
    assert.equal((await runIn(root, { name: 'conf', state: 'absent' })).result.changed, false);

    const purge = { name: 'conf', state: 'absent', purge: true };
    assert.equal((await runIn(root, purge, { check: true })).result.changed, true);
    assert.equal((await runIn(root, purge)).result.changed, true);
    assert.equal(existsSync(join(root, 'etc', 'tiny', 'conf.conf')), false);
    assert.equal((await runIn(root, purge)).result.changed, false);

    await runIn(root, { name: 'beta', state: 'absent' });
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii']);
    const autoremove = await runIn(root, { autoremove: true });
    assert.equal(autoremove.result.changed, true, String(autoremove.result.msg));
    assert.deepEqual(packagesIn(root), []);
    assert.equal((await runIn(root, { autoremove: true })).result.changed, false);
  });

  test('deb installs a local package file and its dependency from the repository', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { update_cache: true });
    const args = { deb: repos.localDeb };
    const check = await runIn(root, args, { check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(packagesIn(root), []);

    const first = await runIn(root, args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'zeta=1.0 ii']);
    assert.equal((await runIn(root, args)).result.changed, false);

    const missing = await runIn(root, { deb: '/nonexistent/x.deb' });
    assert.equal(missing.result.failed, true);
    assert.match(String(missing.result.msg), /^Unable to install package: dpkg-deb.*nonexistent/);
    const absent = await runIn(root, { deb: repos.localDeb, state: 'absent' });
    assert.equal(absent.result.msg, 'deb only supports state=present');
  });

  test('upgrade: dist and name "*" with latest upgrade everything installed', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { name: ['alpha', 'gamma'], update_cache: true });
    pointAptRootAt(root, [repos.updates]);
    await runIn(root, { update_cache: true });

    const all = await runIn(root, { name: '*', state: 'latest' }, { check: true });
    assert.equal(all.result.changed, true);
    assert.match(String(all.result.msg), /2 upgraded, 0 newly installed/);
    const dist = await runIn(root, { upgrade: 'dist' });
    assert.equal(dist.result.changed, true);
    assert.deepEqual(packagesIn(root), ['alpha=1.1 ii', 'gamma=1.1 ii']);
    assert.equal((await runIn(root, { upgrade: 'dist' })).result.changed, false);
    assert.equal((await runIn(root, { name: '*', state: 'latest' })).result.changed, false);
  });

  test('clean empties apt\'s caches and is always a change, as in Ansible', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { name: 'alpha', update_cache: true });
    assert.ok(existsSync(join(root, 'var', 'cache', 'apt', 'pkgcache.bin')));
    const { result } = await runIn(root, { clean: true });
    assert.equal(result.changed, true);
    assert.equal(existsSync(join(root, 'var', 'cache', 'apt', 'pkgcache.bin')), false);
    const withPackage = await runIn(root, { clean: true, name: 'alpha' });
    assert.equal(withPackage.result.changed, false);
  });

  test('a package name carrying shell text is passed as data, never run', async () => {
    const root = makeAptRoot([repos.base]);
    await runIn(root, { update_cache: true });
    rmSync('/tmp/pwned-apt', { force: true });
    for (const check of [true, false]) {
      for (const name of ['x; touch /tmp/pwned-apt', '$(touch /tmp/pwned-apt)', '--simulate']) {
        const { result } = await runIn(root, { name: ['alpha', name] }, { check });
        assert.equal(result.failed, true);
        assert.equal(result.msg, `No package matching '${name}' is available`);
      }
    }
    assert.equal(existsSync('/tmp/pwned-apt'), false);
    assert.deepEqual(packagesIn(root), []);
  });

  test('bad arguments are rejected before the host is touched', async () => {
    await assert.rejects(runModule(apt, { name: 'alpha', update_cahce: true }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.equal(error.message, "unsupported argument 'update_cahce' for module 'apt' (did you mean 'update_cache'?)");
      return true;
    });
    await assert.rejects(runModule(apt, { name: 'alpha', state: 'build-dep' }), /argument 'state' must be one of: present, latest, absent/);
    await assert.rejects(runModule(apt, { name: 'alpha', purge: 'maybe' }), /argument 'purge' must be boolean/);
    await assert.rejects(runModule(apt, { upgrade: 'everything' }), /argument 'upgrade' must be one of/);
    const exclusive = await runModule(apt, { name: 'alpha', deb: '/tmp/x.deb' });
    assert.equal(exclusive.result.msg, 'parameters are mutually exclusive: deb|package|upgrade');
    const spec = await runModule(apt, { name: 'alpha=1=2' });
    assert.equal(spec.result.msg, 'invalid package spec: alpha=1=2');
  });
});

const PLAY = `
- hosts: all
  gather_facts: false
  environment:
    APT_CONFIG: /srv/aptroot/etc/apt/betif-root.conf
    DPKG_ROOT: /srv/aptroot
  tasks:
`;

const UPDATE_PLAYBOOK = `${PLAY}
    - apt:
        update_cache: true
`;

const PLAYBOOK = `${PLAY}
    - name: a package and its dependency
      apt:
        name: [beta, gamma]
        update_cache: true
        cache_valid_time: 3600
    - name: a local package file
      apt:
        deb: /srv/debs/zeta_1.0_all.deb
`;

describe('apt over SSH', () => {
  let lab: Lab;
  let work: string;
  let base: string[];
  let root: string;

  before(async () => {
    const repos = await debRepos();
    lab = await startLab(1, { basePort: labPort(2725), dir: join(tmpdir(), 'betif-lab-apt') });
    const host = lab.hosts[0];
    const onHost = (path: string) => join(host.root, path);
    rmSync(onHost('/srv/aptroot'), { recursive: true, force: true });
    cpSync(repos.base, onHost('/srv/deb-repo'), { recursive: true });
    cpSync(repos.localDeb, onHost('/srv/debs/zeta_1.0_all.deb'));
    // The repository as the host sees it, inside its chroot.
    makeAptRoot(['/srv/deb-repo'], '/srv/aptroot', onHost);
    root = onHost('/srv/aptroot');
    work = mkdtempSync(join(tmpdir(), 'betif-apt-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    writeFileSync(join(work, 'update.yml'), UPDATE_PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook installs packages and a local .deb once; --check changes nothing', async () => {
    const update = await betifPlay([join(work, 'update.yml'), ...base.slice(1)]);
    assert.equal(parseRecap(update.stdout).h1.changed, 1, update.stdout + update.stderr);
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.changed, 2, check.stdout);
    assert.deepEqual(packagesIn(root), []);

    const first = await betifPlay(base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h1.changed, 2, first.stdout);
    assert.deepEqual(packagesIn(root), ['alpha=1.0 ii', 'beta=1.0 ii', 'gamma=1.0 ii', 'zeta=1.0 ii']);

    const second = await betifPlay(base);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
