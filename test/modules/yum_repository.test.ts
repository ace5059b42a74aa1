import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import yumRepository from '../../src/modules/packages/yum_repository.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';
import { rpmRepos } from '../helpers/rpm-repo.js';

function reposdir(): string {
  const dir = join(scratchDir('betif-yum-repository-'), 'etc', 'yum.repos.d');
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('yum_repository', () => {
  test('writes the section as Ansible does, shows it under --diff, then has nothing to do', async () => {
    const dir = reposdir();
    const args = { name: 'epel', description: 'EPEL', baseurl: ['https://a.example/$basearch/', 'https://b.example/'], gpgcheck: false, priority: 5, reposdir: dir };
    const check = await runModule(yumRepository, args, { check: true });
    assert.equal(check.result.changed, true);
    assert.equal(existsSync(join(dir, 'epel.repo')), false);

    const first = await runModule(yumRepository, args);
    assert.deepEqual([first.result.changed, first.result.repo, first.result.state], [true, 'epel', 'present']);
    const written = 'baseurl = https://a.example/$basearch/\n\thttps://b.example/\ngpgcheck = 0\nname = EPEL\npriority = 5\n';
    assert.equal(readFileSync(join(dir, 'epel.repo'), 'utf8'), `[epel]\n${written}\n`);
    assert.deepEqual(first.diff, [{ before: '', after: '[epel]\nbaseurl = https://a.example/$basearch/\nhttps://b.example/\ngpgcheck = 0\nname = EPEL\npriority = 5\n\n', beforeHeader: join(dir, 'epel.repo'), afterHeader: join(dir, 'epel.repo') }]);
    assert.equal((await runModule(yumRepository, args)).result.changed, false);
  });

  test('keeps the other sections of a shared file and removes the file with its last section', async () => {
    const dir = reposdir();
    writeFileSync(join(dir, 'shared.repo'), '[one]\nname=One\nbaseurl=https://one.example/\n');
    const two = { name: 'two', description: 'Two', mirrorlist: 'https://two.example/list', enabled: false, file: 'shared', reposdir: dir };
    assert.equal((await runModule(yumRepository, two)).result.changed, true);
    assert.equal(readFileSync(join(dir, 'shared.repo'), 'utf8'), '[one]\nname = One\nbaseurl = https://one.example/\n\n[two]\nenabled = 0\nmirrorlist = https://two.example/list\nname = Two\n\n');
    assert.equal((await runModule(yumRepository, two)).result.changed, false);

    await runModule(yumRepository, { name: 'one', state: 'absent', file: 'shared', reposdir: dir });
    assert.equal(readFileSync(join(dir, 'shared.repo'), 'utf8'), '[two]\nenabled = 0\nmirrorlist = https://two.example/list\nname = Two\n\n');
    const last = await runModule(yumRepository, { name: 'two', state: 'absent', file: 'shared', reposdir: dir });
    assert.equal(last.result.changed, true);
    assert.equal(existsSync(join(dir, 'shared.repo')), false);
    assert.equal((await runModule(yumRepository, { name: 'two', state: 'absent', file: 'shared', reposdir: dir })).result.changed, false);
  });

  test("Ansible's messages for what is missing; bad arguments and injected lines rejected at load time", async () => {
    const dir = reposdir();
    assert.equal((await runModule(yumRepository, { name: 'x', description: 'X', reposdir: dir })).result.msg, "Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
    assert.equal((await runModule(yumRepository, { name: 'x', baseurl: 'https://x/', reposdir: dir })).result.msg, "Parameter 'description' is required.");
    assert.equal((await runModule(yumRepository, { name: 'x', description: 'X', baseurl: 'https://x/', reposdir: join(dir, 'nope') })).result.msg, `Repo directory '${join(dir, 'nope')}' does not exist.`);
    await assert.rejects(runModule(yumRepository, { name: 'x', description: 'X\nenabled=0', baseurl: 'https://x/' }), ArgumentError);
    await assert.rejects(runModule(yumRepository, { name: 'x', baseurls: 'https://x/' }), /unsupported argument 'baseurls' for module 'yum_repository' \(did you mean 'baseurl'\?\)/);
    await assert.rejects(runModule(yumRepository, { name: 'x', http_caching: 'some' }), /argument 'http_caching' must be one of: all, packages, none/);
  });

  test('real dnf reads the repository the module wrote', async () => {
    const repos = await rpmRepos();
    const root = scratchDir('betif-yum-repository-root-');
    const dir = join(root, 'etc', 'yum.repos.d');
    mkdirSync(dir, { recursive: true });
    await runModule(yumRepository, { name: 'local', description: 'Local test repository', baseurl: `file://${repos.base}`, gpgcheck: false, reposdir: dir });
    const out = execFileSync('dnf', ['-q', `--installroot=${root}`, '--releasever=9', 'repolist', '--all'], { encoding: 'utf8' });
    assert.match(out, /^local\s+Local test repository\s+enabled$/m);
  });
});

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - yum_repository:
        name: local
        description: Local
        baseurl: file:///srv/rpm-repo
        gpgcheck: false
        reposdir: /srv/repos
`;

describe('yum_repository over SSH', () => {
  let lab: Lab;
  let base: string[];
  let dir: string;

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2750), dir: join(tmpdir(), 'betif-lab-yum-repository') });
    dir = join(lab.hosts[0].root, 'srv', 'repos');
    mkdirSync(dir, { recursive: true });
    const work = mkdtempSync(join(tmpdir(), 'betif-yum-repository-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook writes the file once; --check writes nothing', async () => {
    const check = await betifPlay([...base, '--check']);
    assert.equal(parseRecap(check.stdout).h1.changed, 1, check.stdout + check.stderr);
    assert.equal(existsSync(join(dir, 'local.repo')), false);
    const first = await betifPlay(base);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout + first.stderr);
    assert.equal(readFileSync(join(dir, 'local.repo'), 'utf8'), '[local]\nbaseurl = file:///srv/rpm-repo\ngpgcheck = 0\nname = Local\n\n');
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout + second.stderr);
  });
});
