import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import assembleModule from '../../src/modules/files/assemble.js';
import { useVault } from '../../src/vault/active.js';
import { encryptText, VaultKeyring } from '../../src/vault/keyring.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

function fragments(): string {
  const dir = scratchDir('betif-assemble-');
  writeFileSync(join(dir, '10-base'), 'a=1\n');
  writeFileSync(join(dir, '20-extra'), 'b=2');
  writeFileSync(join(dir, '30-last'), 'c=3\n');
  writeFileSync(join(dir, '.hidden'), 'h\n');
  mkdirSync(join(dir, 'sub.d'));
  return dir;
}

describe('assemble', () => {
  test('joins the fragments in name order (hidden ones too), then has nothing to do', async () => {
    const src = fragments();
    const dest = join(scratchDir(), 'app.conf');
    const first = await runModule(assembleModule, { src, dest });
    assert.equal(readFileSync(dest, 'utf8'), 'h\na=1\nb=2\nc=3\n');
    assert.equal(first.result.changed, true);
    assert.equal(first.result.msg, 'OK');
    assert.equal(first.result.src, src);
    assert.equal(first.result.checksum, createHash('sha1').update('h\na=1\nb=2\nc=3\n').digest('hex'));
    assert.deepEqual(first.diff, []);
    const second = await runModule(assembleModule, { src, dest });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.msg, 'OK');
  });

  test('delimiter (escapes decoded), regexp and ignore_hidden; mode and backup', async () => {
    const src = fragments();
    const dest = join(scratchDir(), 'app.conf');
    writeFileSync(dest, 'old\n');
    const { result } = await runModule(assembleModule, { src, dest, delimiter: '# --\\t', regexp: '^[0-9]+-', ignore_hidden: true, mode: '0600', backup: true });
    assert.equal(readFileSync(dest, 'utf8'), 'a=1\n# --\t\nb=2\n# --\t\nc=3\n');
    assert.equal(statSync(dest).mode & 0o777, 0o600);
    assert.equal(readFileSync(String(result.backup_file), 'utf8'), 'old\n');
  });

  test('remote_src: false reads the fragments on the controller, with a diff as copy shows it', async () => {
    const src = fragments();
    const dest = join(scratchDir(), 'app.conf');
    const { result, diff } = await runModule(assembleModule, { src, dest, remote_src: false, ignore_hidden: true, delimiter: '--\n' });
    assert.equal(readFileSync(dest, 'utf8'), 'a=1\n--\n\nb=2\n--\n\nc=3\n');
    assert.equal(result.msg, undefined);
    assert.equal(diff[0].after, 'a=1\n--\n\nb=2\n--\n\nc=3\n');
  });

  test('remote_src: false decrypts vault-encrypted fragments, or joins the vault text with decrypt: false', async () => {
    const src = scratchDir('betif-assemble-');
    const secret = { label: 'default', password: Buffer.from('pw') };
    useVault(new VaultKeyring([secret]), () => undefined);
    const vaulted = encryptText(Buffer.from('token=s3cret\n'), secret);
    writeFileSync(join(src, '10-plain'), 'user=app\n');
    writeFileSync(join(src, '20-secret'), vaulted);
    const dest = join(scratchDir(), 'app.conf');
    await runModule(assembleModule, { src, dest, remote_src: false });
    assert.equal(readFileSync(dest, 'utf8'), 'user=app\ntoken=s3cret\n');
    await runModule(assembleModule, { src, dest, remote_src: false, decrypt: false });
    assert.equal(readFileSync(dest, 'utf8'), `user=app\n${vaulted}${vaulted.endsWith('\n') ? '' : '\n'}`);
  });

  test('validate runs on the new file first; check mode skips', async () => {
    const src = fragments();
    const dest = join(scratchDir(), 'app.conf');
    const refused = await runModule(assembleModule, { src, dest, validate: 'grep -q zzz %s' });
    assert.equal(refused.result.msg, 'failed to validate: rc:1 error:');
    assert.equal(existsSync(dest), false);
    const accepted = await runModule(assembleModule, { src, dest, validate: 'grep -q b=2 %s' });
    assert.equal(accepted.result.changed, true);
    const check = await runModule(assembleModule, { src, dest: join(scratchDir(), 'x') }, { check: true });
    assert.deepEqual(check.result, { changed: false, skipped: true, msg: 'check mode is not supported for this task.' });
  });

  test('a missing or non-folder src fails with Ansible\'s message; bad arguments fail at load time', async () => {
    const dir = scratchDir();
    const missing = await runModule(assembleModule, { src: join(dir, 'nope'), dest: join(dir, 'out') });
    assert.equal(missing.result.msg, `Source (${join(dir, 'nope')}) does not exist`);
    writeFileSync(join(dir, 'file'), 'x');
    const file = await runModule(assembleModule, { src: join(dir, 'file'), dest: join(dir, 'out') });
    assert.equal(file.result.msg, `Source (${join(dir, 'file')}) is not a directory`);
    await assert.rejects(runModule(assembleModule, { src: dir }), /missing required argument 'dest'/);
    await assert.rejects(runModule(assembleModule, { src: dir, dest: '/tmp/x', delimeter: '#' }), (error: Error) => error instanceof ArgumentError && /did you mean 'delimiter'/.test(error.message));
  });

  test('fragment names and contents are data, never shell', async () => {
    const tag = `pwned-${process.pid}`;
    const src = scratchDir();
    writeFileSync(join(src, `$(touch ${tag});\`touch ${tag}\``), `$(touch ${tag})\n`);
    const dest = join(scratchDir(), 'out');
    await runModule(assembleModule, { src, dest });
    assert.equal(readFileSync(dest, 'utf8'), `$(touch ${tag})\n`);
    assert.equal(existsSync(join(process.cwd(), tag)), false);
  });
});

describe('assemble on a lab host over SSH', () => {
  let lab: Lab;
  let base: string[];
  let dest: string;

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2850), dir: join(tmpdir(), 'betif-lab-assemble') });
    const root = lab.hosts[0].root;
    mkdirSync(join(root, 'srv', 'conf.d'), { recursive: true });
    writeFileSync(join(root, 'srv', 'conf.d', '10-main'), 'main\n');
    writeFileSync(join(root, 'srv', 'conf.d', '20-site'), 'site\n');
    dest = join(root, 'srv', 'app.conf');
    const work = mkdtempSync(join(tmpdir(), 'betif-assemble-play-'));
    writeFileSync(join(work, 'site.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - assemble: {src: /srv/conf.d, dest: /srv/app.conf, mode: '0640'}\n`);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('--check skips; the first run writes the file, a second changes nothing', async () => {
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.skipped, 1);
    assert.equal(existsSync(dest), false);
    const first = await betifPlay(base);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.equal(readFileSync(dest, 'utf8'), 'main\nsite\n');
    assert.equal(statSync(dest).mode & 0o777, 0o640);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
