import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';

/** Every file under a folder, as relative path -> content. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, tree(path, `${prefix}${entry.name}/`));
    else out[`${prefix}${entry.name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

describe('synchronize (rsync over ssh to a lab host)', () => {
  let lab: Lab;
  let work: string;
  let hostRoot: string;
  const play = (name: string, task: string) => {
    writeFileSync(join(work, name), `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: sync\n${task}`);
    return [join(work, name), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  };

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2900), dir: join(tmpdir(), 'betif-lab-synchronize') });
    hostRoot = lab.hosts[0].root;
    work = mkdtempSync(join(tmpdir(), 'betif-synchronize-'));
    mkdirSync(join(work, 'files', 'site', 'css'), { recursive: true });
    writeFileSync(join(work, 'files', 'site', 'index.html'), '<h1>hi</h1>\n');
    writeFileSync(join(work, 'files', 'site', 'css', 'main.css'), 'body {}\n');
    writeFileSync(join(work, 'files', 'site', 'notes.tmp'), 'scratch\n');
    mkdirSync(join(hostRoot, 'srv', 'www'), { recursive: true });
    writeFileSync(join(hostRoot, 'srv', 'www', 'stale.html'), 'old\n');
  });

  after(async () => {
    await lab?.stop();
  });

  test('push: --check changes nothing, the run copies (delete, exclude), --diff itemizes, a second run is changed=0', async () => {
    const args = play('push.yml', "      ansible.posix.synchronize:\n        src: site/\n        dest: /srv/www/\n        delete: true\n        rsync_opts: [\"--exclude='*.tmp'\"]\n");
    const check = await betifPlay([...args, '--check', '--diff']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.changed, 1);
    assert.match(check.stdout, /<f\+\+\+\+\+\+\+\+\+ index\.html/);
    assert.match(check.stdout, /\*deleting +stale\.html/);
    assert.deepEqual(tree(join(hostRoot, 'srv', 'www')), { 'stale.html': 'old\n' });

    const first = await betifPlay(args);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout + first.stderr);
    assert.deepEqual(tree(join(hostRoot, 'srv', 'www')), { 'index.html': '<h1>hi</h1>\n', 'css/main.css': 'body {}\n' });

    const second = await betifPlay(args);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(parseRecap(second.stdout).h1.changed, 0);
  });

  test('pull: the host\'s files land on the controller; a second run is changed=0', async () => {
    mkdirSync(join(hostRoot, 'var', 'log', 'app'), { recursive: true });
    writeFileSync(join(hostRoot, 'var', 'log', 'app', 'app.log'), 'started\n');
    const dest = join(work, 'pulled');
    const args = play('pull.yml', `      synchronize: {mode: pull, src: /var/log/app/, dest: ${dest}/}\n`);
    const first = await betifPlay(args);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout + first.stderr);
    assert.deepEqual(tree(dest), { 'app.log': 'started\n' });
    const second = await betifPlay(args);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout + second.stderr);
  });

  test('a host reached by password only is refused with a clear message; the password is never shown', async () => {
    const inventory = join(work, 'password.ini');
    const port = lab.hosts[0].port;
    writeFileSync(inventory, `h1 ansible_host=127.0.0.1 ansible_port=${port} ansible_user=root ansible_password=s3cret-pass\n`);
    writeFileSync(join(work, 'pw.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - synchronize: {src: site/, dest: /srv/pw/}\n');
    const run = await betifPlay([join(work, 'pw.yml'), '-i', inventory, '--known-hosts', lab.knownHostsPath]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /h1 is reached with a password, and betif-play never hands a password to rsync's ssh/);
    assert.doesNotMatch(run.stdout + run.stderr, /s3cret-pass/);
    assert.equal(existsSync(join(hostRoot, 'srv', 'pw')), false);
  });

  test('bad arguments fail at load time with file:line:column', async () => {
    const args = play('bad.yml', '      synchronize: {src: a, dest: b, mode: sideways}\n');
    const run = await betifPlay(args);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /bad\.yml:5:7: .*mode/);
  });
});
