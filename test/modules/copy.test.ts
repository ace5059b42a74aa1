import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import copy from '../../src/modules/files/copy.js';
import { useVault } from '../../src/vault/active.js';
import { encryptText, VaultKeyring } from '../../src/vault/keyring.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('copy', () => {
  test('writes content with a mode, then is idempotent', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'motd');
    const first = await runModule(copy, { content: 'hello\n', dest, mode: '0640' });
    assert.equal(first.result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'hello\n');
    assert.equal(modeOf(dest), '640');
    assert.equal(first.result.checksum, sha1('hello\n'));
    assert.equal(first.result.dest, dest);
    assert.equal(first.result.mode, '0640');
    assert.equal(first.result.state, 'file');
    assert.equal(first.result.size, 6);
    assert.deepEqual(first.diff, [{ before: '', after: 'hello\n', beforeHeader: dest, afterHeader: dest }]);

    const second = await runModule(copy, { content: 'hello\n', dest, mode: 0o640 });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.failed, undefined);
  });

  test('copies a controller file into a folder dest under its own name', async () => {
    const dir = scratchDir();
    const files = join(dir, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'app.conf'), 'port=1\n');
    mkdirSync(join(dir, 'etc'));
    const first = await runModule(copy, { src: 'app.conf', dest: join(dir, 'etc') }, { filesDir: files });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.dest, join(dir, 'etc', 'app.conf'));
    assert.equal(first.result.src, join(files, 'app.conf'));
    assert.equal(readFileSync(join(dir, 'etc', 'app.conf'), 'utf8'), 'port=1\n');
    const again = await runModule(copy, { src: 'app.conf', dest: `${join(dir, 'etc')}/` }, { filesDir: files });
    assert.equal(again.result.changed, false);
  });

  test('a vault-encrypted src is copied decrypted, or as the vault text with decrypt: false', async () => {
    const dir = scratchDir();
    const files = join(dir, 'files');
    mkdirSync(files);
    const secret = { label: 'default', password: Buffer.from('pw') };
    useVault(new VaultKeyring([secret]), () => undefined);
    const vaulted = encryptText(Buffer.from('token=s3cret\n'), secret);
    writeFileSync(join(files, 'secret.conf'), vaulted);
    await runModule(copy, { src: 'secret.conf', dest: join(dir, 'plain') }, { filesDir: files });
    assert.equal(readFileSync(join(dir, 'plain'), 'utf8'), 'token=s3cret\n');
    await runModule(copy, { src: 'secret.conf', dest: join(dir, 'still-vaulted'), decrypt: false }, { filesDir: files });
    assert.equal(readFileSync(join(dir, 'still-vaulted'), 'utf8'), vaulted);
  });

  test('a dest ending in / is created as a folder', async () => {
    const dir = scratchDir();
    const src = join(dir, 'source.txt');
    writeFileSync(src, 'data');
    const result = await runModule(copy, { src, dest: `${dir}/new/deeper/` });
    assert.equal(result.result.changed, true);
    assert.equal(readFileSync(join(dir, 'new', 'deeper', 'source.txt'), 'utf8'), 'data');
  });

  test('check mode reports the change and leaves the file alone', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'f');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o644);
    const result = await runModule(copy, { content: 'new\n', dest, mode: '0600' }, { check: true });
    assert.equal(result.result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'old\n');
    assert.equal(modeOf(dest), '644');
    assert.deepEqual(result.diff[0], { before: 'old\n', after: 'new\n', beforeHeader: dest, afterHeader: dest });
    assert.deepEqual(result.diff[1], { before: `{\n    "mode": "0644",\n    "path": "${dest}"\n}\n`, after: `{\n    "mode": "0600",\n    "path": "${dest}"\n}\n`, beforeHeader: `${dest} (file attributes)`, afterHeader: `${dest} (file attributes)` });
  });

  test('only the mode differs: changed, content untouched', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'f');
    writeFileSync(dest, 'same');
    chmodSync(dest, 0o644);
    const result = await runModule(copy, { content: 'same', dest, mode: 'u+x,g-r' });
    assert.equal(result.result.changed, true);
    assert.equal(modeOf(dest), '704');
    assert.equal(result.diff.length, 1);
  });

  test('replacing a file keeps its mode unless one is given', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'script');
    writeFileSync(dest, 'v1');
    chmodSync(dest, 0o750);
    await runModule(copy, { content: 'v2', dest });
    assert.equal(readFileSync(dest, 'utf8'), 'v2');
    assert.equal(modeOf(dest), '750');
  });

  test('backup keeps the old file under Ansible\'s name', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'hosts');
    writeFileSync(dest, 'old');
    const result = await runModule(copy, { content: 'new', dest, backup: true });
    const backup = result.result.backup_file as string;
    assert.match(backup, /\/hosts\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/);
    assert.equal(readFileSync(backup, 'utf8'), 'old');
    assert.equal(readFileSync(dest, 'utf8'), 'new');
  });

  test('leaves no temp file behind', async () => {
    const dir = scratchDir();
    await runModule(copy, { content: 'x', dest: join(dir, 'a') });
    assert.deepEqual(readdirSync(dir), ['a']);
  });

  test('force=false keeps an existing file', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'f');
    writeFileSync(dest, 'mine');
    const result = await runModule(copy, { content: 'theirs', dest, force: false });
    assert.equal(result.result.changed, false);
    assert.equal(readFileSync(dest, 'utf8'), 'mine');
  });

  test('remote_src copies a file already on the host, mode=preserve takes its mode', async () => {
    const dir = scratchDir();
    const src = join(dir, 'orig');
    writeFileSync(src, 'remote');
    chmodSync(src, 0o700);
    const dest = join(dir, 'copy');
    const first = await runModule(copy, { src, dest, remote_src: true, mode: 'preserve' });
    assert.equal(first.result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'remote');
    assert.equal(modeOf(dest), '700');
    assert.deepEqual(first.diff[0], { before: '', after: 'remote', beforeHeader: dest, afterHeader: src });
    assert.equal((await runModule(copy, { src, dest, remote_src: true, mode: 'preserve' })).result.changed, false);
  });

  test('a symlink dest is replaced by a file unless follow is set', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync('target', join(dir, 'link'));
    const followed = await runModule(copy, { content: 'y', dest: join(dir, 'link'), follow: true });
    assert.equal(followed.result.dest, join(dir, 'target'));
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'y');
    await runModule(copy, { content: 'y', dest: join(dir, 'link') });
    assert.equal(statSync(join(dir, 'link')).isFile(), true);
  });

  test('structured content is written as JSON, like Ansible', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'data.json');
    await runModule(copy, { content: { name: 'web', ports: [80, 443] }, dest });
    assert.equal(readFileSync(dest, 'utf8'), '{"name": "web", "ports": [80, 443]}');
  });

  test('binary content survives the trip byte for byte', async () => {
    const dir = scratchDir();
    const src = join(dir, 'blob');
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 128]);
    writeFileSync(src, bytes);
    const result = await runModule(copy, { src, dest: join(dir, 'out') });
    assert.deepEqual(readFileSync(join(dir, 'out')), bytes);
    assert.deepEqual(result.diff, []);
  });

  test('user mistakes fail with a clear message', async () => {
    const dir = scratchDir();
    const missingFolder = await runModule(copy, { content: 'x', dest: join(dir, 'nope', 'f') });
    assert.equal(missingFolder.result.failed, true);
    assert.equal(missingFolder.result.msg, `Destination directory ${join(dir, 'nope')} does not exist`);
    const folderDest = await runModule(copy, { content: 'x', dest: dir });
    assert.equal(folderDest.result.msg, 'can not use content with a dir as dest');
    const missingSrc = await runModule(copy, { src: 'absent.txt', dest: join(dir, 'f') }, { filesDir: dir });
    assert.match(String(missingSrc.result.msg), /^could not find src=absent.txt/);
    const badMode = await runModule(copy, { content: 'x', dest: join(dir, 'f'), mode: 'u=rwz' });
    assert.match(String(badMode.result.msg), /^mode must be in octal or symbolic form/);
    const both = await runModule(copy, { content: 'x', src: 'a', dest: join(dir, 'f') });
    assert.equal(both.result.msg, 'src and content are mutually exclusive');
    assert.equal(existsSync(join(dir, 'f')), false);
  });

  test('bad arguments are rejected before touching the host', async () => {
    await assert.rejects(runModule(copy, { content: 'x', dets: '/tmp/x' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'dets' for module 'copy' \(did you mean 'dest'\?\)/);
      assert.match(error.message, /missing required argument 'dest'/);
      return true;
    });
    await assert.rejects(runModule(copy, { content: 'x', dest: '/tmp/x', backup: 'maybe' }), /argument 'backup' must be boolean/);
    await assert.rejects(runModule(copy, { content: 'x', dest: '/tmp/x', mode: true }), ArgumentError);
  });

  test('paths and content are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}-${Date.now()}`;
    const names = [`a; touch ${tag}-1`, `$(touch ${tag}-2)`, `\`touch ${tag}-3\``, `x' "y"`];
    for (const name of names) {
      const result = await runModule(copy, { content: `$(touch ${tag}-4)\n`, dest: join(dir, name), mode: '0600; touch x' });
      assert.equal(result.result.failed, true, 'a mode with shell text is rejected');
      await runModule(copy, { content: `$(touch ${tag}-4)\n`, dest: join(dir, name), backup: true });
      assert.equal(readFileSync(join(dir, name), 'utf8'), `$(touch ${tag}-4)\n`);
    }
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
