import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import dnfRepo from '../../src/modules/packages/dnf_repo.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';
import { rpmRepos, type RpmRepos } from '../helpers/rpm-repo.js';

/** A scratch installroot with an empty etc/yum.repos.d. */
function installroot(): { root: string; reposdir: string } {
  const root = scratchDir('betif-dnf-repo-');
  const reposdir = join(root, 'etc', 'yum.repos.d');
  mkdirSync(reposdir, { recursive: true });
  return { root, reposdir };
}

/** The repositories real dnf sees in the installroot. */
function repolist(root: string): string {
  return execFileSync('dnf', ['-q', `--installroot=${root}`, '--releasever=9', 'repolist', '--all'], { encoding: 'utf8' });
}

describe('dnf_repo', () => {
  let repos: RpmRepos;
  let server: Server;
  let serverUrl: string;

  before(async () => {
    repos = await rpmRepos();
    server = createServer((request, response) => {
      if (request.url === '/vendor.repo') response.end(`[vendor]\nname=Vendor\nbaseurl=file://${repos.base}\ngpgcheck=0\n`);
      else if (request.url === '/page.html') response.end('<html>not a repo</html>\n');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server?.close();
  });

  test('writes the repo file from its fields, which dnf then uses; a second run changes nothing', async () => {
    const { root, reposdir } = installroot();
    const args = { name: 'local', description: 'BETIF test repository', baseurl: `file://${repos.base}`, gpgcheck: false, reposdir };
    const first = await runModule(dnfRepo, args);
    const path = join(reposdir, 'local.repo');
    const content = `[local]\nname=BETIF test repository\nbaseurl=file://${repos.base}\nenabled=1\ngpgcheck=0\n`;
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result, { changed: true, repo: 'local', state: 'present', dest: path });
    assert.deepEqual(first.diff, [{ before: '', after: content, beforeHeader: path, afterHeader: path }]);
    assert.equal(readFileSync(path, 'utf8'), content);
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.match(repolist(root), /^local\s+BETIF test repository\s+enabled$/m);

    const second = await runModule(dnfRepo, args);
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('a changed field rewrites the file and shows the difference', async () => {
    const { reposdir } = installroot();
    const args = { name: 'local', baseurl: 'https://repo.example/el9', gpgcheck: true, gpgkey: ['https://repo.example/k1', 'https://repo.example/k2'], reposdir };
    await runModule(dnfRepo, args);
    const { result, diff } = await runModule(dnfRepo, { ...args, enabled: false });
    assert.equal(result.changed, true);
    assert.equal(diff[0].before, '[local]\nname=local\nbaseurl=https://repo.example/el9\nenabled=1\ngpgcheck=1\ngpgkey=https://repo.example/k1 https://repo.example/k2\n');
    assert.equal(diff[0].after, '[local]\nname=local\nbaseurl=https://repo.example/el9\nenabled=0\ngpgcheck=1\ngpgkey=https://repo.example/k1 https://repo.example/k2\n');
    assert.equal(readFileSync(join(reposdir, 'local.repo'), 'utf8'), diff[0].after);
  });

  test('check mode reports the new file and writes nothing', async () => {
    const { reposdir } = installroot();
    const { result, diff } = await runModule(dnfRepo, { name: 'local', baseurl: 'file:///srv/repo', reposdir }, { check: true });
    assert.equal(result.changed, true);
    assert.equal(diff[0].after, '[local]\nname=local\nbaseurl=file:///srv/repo\nenabled=1\n');
    assert.equal(existsSync(join(reposdir, 'local.repo')), false);
  });

  test('places a .repo file downloaded from a URL, as dnf config-manager --add-repo does', async () => {
    const { root, reposdir } = installroot();
    const args = { name: 'vendor', url: `${serverUrl}/vendor.repo`, reposdir };
    const first = await runModule(dnfRepo, args);
    assert.equal(first.result.changed, true);
    assert.equal(readFileSync(join(reposdir, 'vendor.repo'), 'utf8'), `[vendor]\nname=Vendor\nbaseurl=file://${repos.base}\ngpgcheck=0\n`);
    assert.match(repolist(root), /^vendor\s+Vendor\s+enabled$/m);
    assert.equal((await runModule(dnfRepo, args)).result.changed, false);

    const page = await runModule(dnfRepo, { name: 'page', url: `${serverUrl}/page.html`, reposdir });
    assert.equal(page.result.failed, true);
    assert.match(String(page.result.msg), /page\.html is not a \.repo file/);
    const missing = await runModule(dnfRepo, { name: 'gone', url: `${serverUrl}/gone.repo`, reposdir });
    assert.match(String(missing.result.msg), /^Failed to download .*gone\.repo: .*404/);
  });

  test('copies a .repo file that is already on the host, by path or file:// URL', async () => {
    const { reposdir } = installroot();
    const source = join(scratchDir('betif-dnf-repo-src-'), 'vendor.repo');
    writeFileSync(source, '[vendor]\nname=Vendor\nbaseurl=file:///srv/vendor\n');
    assert.equal((await runModule(dnfRepo, { name: 'vendor', url: source, reposdir })).result.changed, true);
    assert.equal((await runModule(dnfRepo, { name: 'vendor', url: `file://${source}`, reposdir })).result.changed, false);
    assert.equal(readFileSync(join(reposdir, 'vendor.repo'), 'utf8'), readFileSync(source, 'utf8'));
  });

  test('absent removes the file, then has nothing to do', async () => {
    const { reposdir } = installroot();
    await runModule(dnfRepo, { name: 'local', baseurl: 'file:///srv/repo', reposdir });
    const args = { name: 'local', state: 'absent', reposdir };
    const removed = await runModule(dnfRepo, args);
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.diff.map(({ before, after }) => [before, after]), [['[local]\nname=local\nbaseurl=file:///srv/repo\nenabled=1\n', '']]);
    assert.equal(existsSync(join(reposdir, 'local.repo')), false);
    assert.equal((await runModule(dnfRepo, args)).result.changed, false);
  });

  test('a missing repo directory is reported, not created', async () => {
    const reposdir = join(scratchDir('betif-dnf-repo-'), 'nowhere');
    const { result } = await runModule(dnfRepo, { name: 'local', baseurl: 'file:///srv/repo', reposdir });
    assert.equal(result.failed, true);
    assert.equal(result.msg, `Repo directory '${reposdir}' does not exist.`);
    assert.equal(existsSync(reposdir), false);
  });

  test('shell text in a description or a url is data, never run', async () => {
    const { reposdir } = installroot();
    rmSync('/tmp/pwned-dnf_repo', { force: true });
    const described = await runModule(dnfRepo, { name: 'local', baseurl: 'file:///srv/repo', description: 'x; touch /tmp/pwned-dnf_repo', reposdir });
    assert.equal(described.result.changed, true);
    assert.match(readFileSync(join(reposdir, 'local.repo'), 'utf8'), /^name=x; touch \/tmp\/pwned-dnf_repo$/m);
    const copied = await runModule(dnfRepo, { name: 'other', url: '/tmp/x; touch /tmp/pwned-dnf_repo', reposdir });
    assert.equal(copied.result.failed, true);
    assert.equal(copied.result.msg, 'Source /tmp/x; touch /tmp/pwned-dnf_repo not found on the host');
    assert.equal(existsSync('/tmp/pwned-dnf_repo'), false);
  });

  test('bad arguments are rejected before the host is touched', async () => {
    await assert.rejects(runModule(dnfRepo, { name: 'local', baseurll: 'file:///srv/repo' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.equal(error.message, "unsupported argument 'baseurll' for module 'dnf_repo' (did you mean 'baseurl'?)");
      return true;
    });
    await assert.rejects(runModule(dnfRepo, { baseurl: 'file:///srv/repo' }), /missing required argument 'name' for module 'dnf_repo'/);
    await assert.rejects(runModule(dnfRepo, { name: 'local', baseurl: 'file:///srv/repo', enabled: 'maybe' }), /argument 'enabled' must be boolean/);
    await assert.rejects(runModule(dnfRepo, { name: '../../etc/passwd', baseurl: 'file:///srv/repo' }), /argument 'name' must match pattern/);
    await assert.rejects(runModule(dnfRepo, { name: 'local', baseurl: 'file:///srv/repo', description: 'x\ngpgcheck=0' }), /argument 'description' must match pattern/);
    const both = await runModule(dnfRepo, { name: 'local', url: '/srv/a.repo', baseurl: 'file:///srv/repo' });
    assert.equal(both.result.msg, 'parameters are mutually exclusive: url|baseurl');
    const neither = await runModule(dnfRepo, { name: 'local' });
    assert.equal(neither.result.msg, 'state is present but any of the following are missing: url, baseurl');
  });
});

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: the vendor repository
      dnf_repo:
        name: vendor
        description: Vendor packages
        baseurl: file:///srv/vendor
        gpgcheck: true
        gpgkey: file:///etc/pki/rpm-gpg/RPM-GPG-KEY-vendor
`;

describe('dnf_repo over SSH', () => {
  let lab: Lab;
  let base: string[];

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2711), dir: join(tmpdir(), 'betif-lab-dnf-repo') });
    mkdirSync(join(lab.hosts[0].root, 'etc', 'yum.repos.d'), { recursive: true });
    rmSync(join(lab.hosts[0].root, 'etc', 'yum.repos.d', 'vendor.repo'), { force: true });
    const work = mkdtempSync(join(tmpdir(), 'betif-dnf-repo-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook writes the repo file once; --check changes nothing', async () => {
    const path = join(lab.hosts[0].root, 'etc', 'yum.repos.d', 'vendor.repo');
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.changed, 1, check.stdout);
    assert.equal(existsSync(path), false);

    const first = await betifPlay([...base, '--diff']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.match(first.stdout, /\+baseurl=file:\/\/\/srv\/vendor/);
    assert.equal(
      readFileSync(path, 'utf8'),
      '[vendor]\nname=Vendor packages\nbaseurl=file:///srv/vendor\nenabled=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-vendor\n',
    );

    const second = await betifPlay(base);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
