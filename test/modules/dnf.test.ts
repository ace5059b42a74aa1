import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import dnf from '../../src/modules/packages/dnf.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule } from '../helpers/module-harness.js';
import { makeInstallroot, pointInstallrootAt, rpmRepos, type RpmRepos } from '../helpers/rpm-repo.js';

/** Every task works in a scratch installroot, on the one `local` repository, with EL9 module streams. */
function inRoot(root: string, args: Record<string, unknown>): Record<string, unknown> {
  return { installroot: root, releasever: '9', disablerepo: '*', enablerepo: 'local', setopt: { module_platform_id: 'platform:el9' }, ...args };
}

function installedIn(root: string): string[] {
  const out = execFileSync('rpm', ['--root', root, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

/** stream and state from dnf's own record of a module (etc/dnf/modules.d/NAME.module). */
function moduleRecord(root: string, name: string): { stream: string; state: string } {
  const path = join(root, 'etc', 'dnf', 'modules.d', `${name}.module`);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '';
  return { stream: field('stream'), state: field('state') };
}

/** As a run without --diff (the default): dnf resolves the transaction once, where --diff resolves it once more to show it. */
const NO_DIFF = { diff: false };

describe('dnf', () => {
  let repos: RpmRepos;

  before(async () => {
    repos = await rpmRepos();
  });

  test('installs a package with its dependency, then has nothing to do', async () => {
    const root = makeInstallroot(repos.base);
    const args = inRoot(root, { name: 'beta' });
    const first = await runModule(dnf, args);
    assert.equal(first.result.failed, undefined, String(first.result.msg));
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.installed, ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);
    assert.deepEqual(first.result.results, ['Installed: alpha-1.0-1.noarch', 'Installed: beta-1.0-1.noarch']);
    assert.deepEqual(first.diff, [{ before: '', after: 'alpha-1.0-1.noarch\nbeta-1.0-1.noarch\n', beforeHeader: 'dnf transaction', afterHeader: 'dnf transaction' }]);
    assert.deepEqual(installedIn(root), ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);

    const second = await runModule(dnf, { ...args, name: ['beta', 'alpha-1.0'], state: 'installed' });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.msg, 'Nothing to do');
    assert.deepEqual(second.diff, []);
  });

  test('check mode reports the exact transaction, dependencies included, and installs nothing', async () => {
    const root = makeInstallroot(repos.base);
    const { result, diff } = await runModule(dnf, inRoot(root, { name: ['beta', 'gamma'] }), { check: true });
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'Check mode: No changes made, but would have if not in check mode');
    assert.deepEqual(result.installed, ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch', 'gamma-1.0-1.noarch']);
    assert.equal(diff[0].after, 'alpha-1.0-1.noarch\nbeta-1.0-1.noarch\ngamma-1.0-1.noarch\n');
    assert.deepEqual(installedIn(root), []);
  });

  test('latest upgrades a package once the repository has a newer version', async () => {
    const root = makeInstallroot(repos.base);
    const args = inRoot(root, { name: 'alpha', state: 'latest', update_cache: true });
    assert.equal((await runModule(dnf, args, NO_DIFF)).result.changed, true);
    assert.deepEqual(installedIn(root), ['alpha-1.0-1.noarch']);
    assert.equal((await runModule(dnf, args)).result.changed, false);

    pointInstallrootAt(root, repos.updates);
    const check = await runModule(dnf, args, { check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(installedIn(root), ['alpha-1.0-1.noarch']);

    const upgrade = await runModule(dnf, args);
    assert.equal(upgrade.result.changed, true);
    assert.deepEqual(upgrade.result.upgraded, ['alpha-1.1-1.noarch']);
    assert.deepEqual(upgrade.result.installed, []);
    assert.deepEqual(upgrade.diff.map(({ before, after }) => [before, after]), [['alpha-1.0-1.noarch\n', 'alpha-1.1-1.noarch\n']]);
    assert.deepEqual(installedIn(root), ['alpha-1.1-1.noarch']);
    assert.equal((await runModule(dnf, args)).result.changed, false);
  });

  test("security with name '*' applies only the security updates", async () => {
    const root = makeInstallroot(repos.base);
    await runModule(dnf, inRoot(root, { name: ['alpha', 'gamma'] }), NO_DIFF);
    pointInstallrootAt(root, repos.updates);

    const security = inRoot(root, { name: '*', state: 'latest', security: true, update_cache: true });
    const first = await runModule(dnf, security, NO_DIFF);
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.upgraded, ['alpha-1.1-1.noarch']);
    assert.deepEqual(installedIn(root), ['alpha-1.1-1.noarch', 'gamma-1.0-1.noarch']);
    assert.equal((await runModule(dnf, security)).result.changed, false);

    const everything = await runModule(dnf, inRoot(root, { name: '*', state: 'latest' }), NO_DIFF);
    assert.deepEqual(everything.result.upgraded, ['gamma-1.1-1.noarch']);
    assert.deepEqual(installedIn(root), ['alpha-1.1-1.noarch', 'gamma-1.1-1.noarch']);
  });

  test('absent removes a package and the packages that need it', async () => {
    const root = makeInstallroot(repos.base);
    await runModule(dnf, inRoot(root, { name: ['beta', 'gamma'] }), NO_DIFF);
    const args = inRoot(root, { name: 'alpha', state: 'absent' });
    const first = await runModule(dnf, args);
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.removed, ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch']);
    assert.deepEqual(first.diff.map(({ before, after }) => [before, after]), [['alpha-1.0-1.noarch\nbeta-1.0-1.noarch\n', '']]);
    assert.deepEqual(installedIn(root), ['gamma-1.0-1.noarch']);
    assert.equal((await runModule(dnf, { ...args, state: 'removed' })).result.changed, false);
  });

  test('installs a module stream with its profile, then switches it to another stream', async () => {
    const root = makeInstallroot(repos.base);
    const latest = inRoot(root, { name: '@drv:latest-dkms' });
    const first = await runModule(dnf, latest, NO_DIFF);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.deepEqual(first.result.installed, ['drv-kmod-590.1-1.noarch', 'drv-tools-590.1-1.noarch']);
    assert.deepEqual(first.result.results, ['Installed: drv-kmod-590.1-1.noarch', 'Installed: drv-tools-590.1-1.noarch', 'Module drv:latest-dkms enabled']);
    assert.deepEqual(moduleRecord(root, 'drv'), { stream: 'latest-dkms', state: 'enabled' });
    assert.equal((await runModule(dnf, latest)).result.changed, false);
    assert.equal((await runModule(dnf, inRoot(root, { name: '@drv:latest-dkms/minimal' }))).result.changed, false);

    const switchTo = inRoot(root, { name: '@drv:580-dkms/default' });
    const check = await runModule(dnf, switchTo, { check: true });
    assert.equal(check.result.changed, true);
    assert.deepEqual(check.result.downgraded, ['drv-kmod-580.2-1.noarch', 'drv-tools-580.2-1.noarch']);
    assert.deepEqual(moduleRecord(root, 'drv'), { stream: 'latest-dkms', state: 'enabled' });
    assert.deepEqual(installedIn(root), ['drv-kmod-590.1-1.noarch', 'drv-tools-590.1-1.noarch']);

    const switched = await runModule(dnf, switchTo);
    assert.equal(switched.result.changed, true);
    assert.deepEqual(switched.result.downgraded, ['drv-kmod-580.2-1.noarch', 'drv-tools-580.2-1.noarch']);
    assert.ok((switched.result.results as string[]).includes('Module drv switched from stream latest-dkms to 580-dkms'));
    assert.deepEqual(switched.diff.map(({ before, after }) => [before, after]), [
      [
        'drv-kmod-590.1-1.noarch\ndrv-tools-590.1-1.noarch\nmodule drv:latest-dkms enabled\n',
        'drv-kmod-580.2-1.noarch\ndrv-tools-580.2-1.noarch\nmodule drv:580-dkms enabled\n',
      ],
    ]);
    assert.deepEqual(moduleRecord(root, 'drv'), { stream: '580-dkms', state: 'enabled' });
    assert.deepEqual(installedIn(root), ['drv-kmod-580.2-1.noarch', 'drv-tools-580.2-1.noarch']);
    assert.equal((await runModule(dnf, switchTo)).result.changed, false);
  });

  test("a module stream is present only when its profile's packages are installed too", async () => {
    const root = makeInstallroot(repos.base);
    const args = inRoot(root, { name: '@drv:580-dkms' });
    await runModule(dnf, args, NO_DIFF);
    execFileSync('rpm', ['--root', root, '-e', 'drv-tools'], { stdio: 'ignore' });
    assert.deepEqual(moduleRecord(root, 'drv'), { stream: '580-dkms', state: 'enabled' });

    const repaired = await runModule(dnf, args, NO_DIFF);
    assert.equal(repaired.result.changed, true);
    assert.deepEqual(repaired.result.installed, ['drv-tools-580.2-1.noarch']);
    assert.deepEqual(installedIn(root), ['drv-kmod-580.2-1.noarch', 'drv-tools-580.2-1.noarch']);
    assert.equal((await runModule(dnf, args)).result.changed, false);
  });

  test("absent removes a module stream's packages and resets the module", async () => {
    const root = makeInstallroot(repos.base);
    await runModule(dnf, inRoot(root, { name: ['@drv:latest-dkms', 'gamma'] }), NO_DIFF);
    const args = inRoot(root, { name: '@drv:latest-dkms', state: 'absent' });
    const removed = await runModule(dnf, args, NO_DIFF);
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.result.removed, ['drv-kmod-590.1-1.noarch', 'drv-tools-590.1-1.noarch']);
    assert.deepEqual(moduleRecord(root, 'drv'), { stream: '', state: '' });
    assert.deepEqual(installedIn(root), ['gamma-1.0-1.noarch']);
    assert.equal((await runModule(dnf, args)).result.changed, false);
  });

  test('installs and removes a package group', async () => {
    const root = makeInstallroot(repos.base);
    const args = inRoot(root, { name: '@devtools' });
    const first = await runModule(dnf, args, NO_DIFF);
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.results, ['Installed: gamma-1.0-1.noarch', 'Group devtools installed']);
    assert.equal((await runModule(dnf, args)).result.changed, false);
    assert.equal((await runModule(dnf, { ...args, name: '@Developer Tools' })).result.changed, false);

    const removed = await runModule(dnf, { ...args, state: 'absent' }, NO_DIFF);
    assert.equal(removed.result.changed, true);
    assert.deepEqual(installedIn(root), []);
    assert.equal((await runModule(dnf, { ...args, state: 'absent' })).result.changed, false);
  });

  test('update_cache alone refreshes the metadata and changes nothing', async () => {
    const root = makeInstallroot(repos.base);
    const { result } = await runModule(dnf, inRoot(root, { update_cache: true }));
    assert.deepEqual([result.changed, result.msg], [false, 'Cache updated']);
    assert.ok(existsSync(join(root, 'var', 'cache', 'dnf')));
  });

  test('a package name carrying shell text is passed as data, never run', async () => {
    const root = makeInstallroot(repos.base);
    rmSync('/tmp/pwned-dnf', { force: true });
    for (const check of [true, false]) {
      const { result } = await runModule(dnf, inRoot(root, { name: ['alpha', 'x; touch /tmp/pwned-dnf'] }), { check });
      assert.equal(result.failed, true);
      assert.match(String(result.msg), /x; touch \/tmp\/pwned-dnf/);
    }
    assert.equal(existsSync('/tmp/pwned-dnf'), false);
    assert.deepEqual(installedIn(root), []);
  });

  test('bad arguments are rejected before the host is touched', async () => {
    await assert.rejects(runModule(dnf, { name: 'alpha', enablerepos: 'local' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.equal(error.message, "unsupported argument 'enablerepos' for module 'dnf' (did you mean 'enablerepo'?)");
      return true;
    });
    await assert.rejects(runModule(dnf, { name: 'alpha', state: 'newest' }), /argument 'state' must be one of: present, installed, latest, absent, removed/);
    await assert.rejects(runModule(dnf, { name: 'alpha', security: 'maybe' }), /argument 'security' must be boolean/);
    await assert.rejects(runModule(dnf, { name: { alpha: 1 } }), /argument 'name' must be string,array/);
    const missing = await runModule(dnf, { state: 'latest' });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, 'one of the following is required: name, update_cache');
    const star = await runModule(dnf, { name: '*', state: 'absent' });
    assert.equal(star.result.msg, "name '*' is only supported with state=latest");
  });
});

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: driver stream and a package
      dnf:
        name: ["@drv:latest-dkms", beta]
        installroot: /srv/inst
        releasever: "9"
        disablerepo: "*"
        enablerepo: local
        setopt: {module_platform_id: "platform:el9"}
`;

describe('dnf over SSH', () => {
  let lab: Lab;
  let work: string;
  let base: string[];

  before(async () => {
    const repos = await rpmRepos();
    lab = await startLab(1, { basePort: labPort(2710), dir: join(tmpdir(), 'betif-lab-dnf') });
    const host = lab.hosts[0];
    rmSync(join(host.root, 'srv', 'inst'), { recursive: true, force: true });
    cpSync(repos.base, join(host.root, 'srv', 'rpm-repo'), { recursive: true });
    // The repository as the host sees it, inside its chroot.
    makeInstallroot('/srv/rpm-repo', join(host.root, 'srv', 'inst'));
    work = mkdtempSync(join(tmpdir(), 'betif-dnf-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook installs a module stream and a package once; --check changes nothing', async () => {
    const root = join(lab.hosts[0].root, 'srv', 'inst');
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.changed, 1, check.stdout);
    assert.deepEqual(installedIn(root), []);

    const first = await betifPlay(base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.deepEqual(installedIn(root), ['alpha-1.0-1.noarch', 'beta-1.0-1.noarch', 'drv-kmod-590.1-1.noarch', 'drv-tools-590.1-1.noarch']);
    assert.deepEqual(moduleRecord(root, 'drv'), { stream: 'latest-dkms', state: 'enabled' });

    const second = await betifPlay(base);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
