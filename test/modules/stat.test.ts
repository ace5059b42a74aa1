import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import stat from '../../src/modules/files/stat.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const statOf = async (args: Record<string, unknown>) => {
  const { result } = await runModule(stat, args);
  assert.equal(result.changed, false);
  return result.stat as Record<string, unknown>;
};

describe('stat', () => {
  test('describes a regular file like Ansible', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'hello\n');
    chmodSync(path, 0o640);
    const info = await statOf({ path });
    const local = statSync(path);
    assert.equal(info.exists, true);
    assert.equal(info.path, path);
    assert.equal(info.mode, '0640');
    assert.equal(info.isreg, true);
    assert.equal(info.isdir, false);
    assert.equal(info.islnk, false);
    assert.equal(info.size, 6);
    assert.equal(info.uid, local.uid);
    assert.equal(info.gid, local.gid);
    assert.equal(info.inode, local.ino);
    assert.equal(info.nlink, 1);
    assert.equal(info.rusr, true);
    assert.equal(info.roth, false);
    assert.equal(typeof info.pw_name, 'string');
    assert.equal(typeof info.gr_name, 'string');
    assert.ok(Math.abs((info.mtime as number) - local.mtimeMs / 1000) < 0.001);
    assert.equal(info.checksum, createHash('sha1').update('hello\n').digest('hex'));
  });

  test('checksum_algorithm and get_checksum', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'data');
    assert.equal((await statOf({ path, checksum_algorithm: 'sha256' })).checksum, createHash('sha256').update('data').digest('hex'));
    assert.equal((await statOf({ path, checksum_algo: 'md5' })).checksum, createHash('md5').update('data').digest('hex'));
    assert.equal((await statOf({ path, get_checksum: false })).checksum, undefined);
  });

  test('links are described as links unless followed', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync('target', join(dir, 'link'));
    const link = await statOf({ path: join(dir, 'link') });
    assert.equal(link.islnk, true);
    assert.equal(link.isreg, false);
    assert.equal(link.lnk_target, 'target');
    assert.equal(link.lnk_source, join(dir, 'target'));
    assert.equal(link.checksum, undefined);
    const followed = await statOf({ path: join(dir, 'link'), follow: true });
    assert.equal(followed.islnk, false);
    assert.equal(followed.isreg, true);
    assert.equal(followed.size, 1);
  });

  test('folders and missing paths', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'd'));
    const folder = await statOf({ path: join(dir, 'd') });
    assert.equal(folder.isdir, true);
    assert.equal(folder.checksum, undefined);
    assert.deepEqual(await statOf({ path: join(dir, 'missing') }), { exists: false });
  });

  test('rejects bad arguments', async () => {
    await assert.rejects(runModule(stat, { paht: '/tmp' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'paht' for module 'stat' \(did you mean 'path'\?\)/);
      assert.match(error.message, /missing required argument 'path'/);
      return true;
    });
    await assert.rejects(runModule(stat, { path: '/tmp', checksum_algorithm: 'crc32' }), /argument 'checksum_algorithm' must be one of: md5, sha1/);
    await assert.rejects(runModule(stat, { path: '/tmp', follow: 'maybe' }), /argument 'follow' must be boolean/);
  });

  test('paths are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}-${Date.now()}`;
    const path = join(dir, `f; touch ${tag}-1 $(touch ${tag}-2)`);
    writeFileSync(path, '');
    assert.equal((await statOf({ path })).exists, true);
    assert.deepEqual(await statOf({ path: `${dir}/\`touch ${tag}-3\`` }), { exists: false });
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
