import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import slurp from '../../src/modules/files/slurp.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

describe('slurp', () => {
  test('returns the file base64-encoded, byte for byte', async () => {
    const dir = scratchDir();
    const path = join(dir, 'blob');
    const bytes = Buffer.from([0, 255, 10, 13, 128, 65]);
    writeFileSync(path, bytes);
    const { result } = await runModule(slurp, { src: path });
    assert.equal(result.changed, false);
    assert.equal(result.encoding, 'base64');
    assert.equal(result.source, path);
    assert.deepEqual(Buffer.from(result.content as string, 'base64'), bytes);
    assert.equal((await runModule(slurp, { path })).result.content, bytes.toString('base64'));
  });

  test('missing files and folders fail with Ansible\'s messages', async () => {
    const dir = scratchDir();
    const missing = await runModule(slurp, { src: join(dir, 'nope') });
    assert.equal(missing.result.failed, true);
    assert.equal(missing.result.msg, `file not found: ${join(dir, 'nope')}`);
    mkdirSync(join(dir, 'd'));
    assert.equal((await runModule(slurp, { src: join(dir, 'd') })).result.msg, `source is a directory and must be a file: ${join(dir, 'd')}`);
  });

  test('rejects bad arguments', async () => {
    await assert.rejects(runModule(slurp, { scr: '/etc/hosts' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'scr' for module 'slurp' \(did you mean 'src'\?\)/);
      return true;
    });
    await assert.rejects(runModule(slurp, {}), /missing required argument 'src' for module 'slurp'/);
    await assert.rejects(runModule(slurp, { src: ['a'] }), /argument 'src' must be string/);
  });

  test('paths are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}-${Date.now()}`;
    const path = join(dir, `f; touch ${tag}-1 $(touch ${tag}-2)`);
    writeFileSync(path, 'ok');
    assert.equal((await runModule(slurp, { src: path })).result.content, Buffer.from('ok').toString('base64'));
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
