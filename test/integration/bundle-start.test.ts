import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CODE_CACHE_FILE, loadCachedProgram } from '../../src/cli/cached-program.js';
import { BIN } from '../helpers/cli.js';

const BUNDLE = dirname(BIN);
const ROOT = join(BUNDLE, '..', '..', '..');
const NO_OP = '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ 40 + 2 }}"}\n';

/** A copy of the shipped bundle at the same depth under a package folder of its own (bin.js reads ../../../package.json). */
function bundleCopy(): { folder: string; bin: string; work: string } {
  const work = mkdtempSync(join(tmpdir(), 'betif-bundle-'));
  const folder = join(work, 'dist', 'bundle', 'cli');
  cpSync(BUNDLE, folder, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(work, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(join(work, 'site.yml'), NO_OP);
  return { folder, bin: join(folder, 'bin.js'), work };
}

function run(bin: string, work: string) {
  return spawnSync(process.execPath, [bin, join(work, 'site.yml')], { cwd: work, encoding: 'utf8' });
}

describe('the shipped bundle starts from its code cache', () => {
  test("the build's warm-up run left a code cache this Node accepts", () => {
    assert.ok(existsSync(join(BUNDLE, CODE_CACHE_FILE)), 'npm run build makes the code cache');
    assert.equal(loadCachedProgram(BUNDLE, false).codeCache, 'used');
  });

  test('a missing or rejected code cache is made again by the next run, which then starts from it', () => {
    const { folder, bin, work } = bundleCopy();
    try {
      rmSync(join(folder, CODE_CACHE_FILE));
      const first = run(bin, work);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /"msg": "42"/);
      assert.ok(existsSync(join(folder, CODE_CACHE_FILE)), 'the run without a cache leaves one');
      assert.equal(loadCachedProgram(folder, false).codeCache, 'used');

      writeFileSync(join(folder, CODE_CACHE_FILE), 'not V8 code');
      assert.equal(loadCachedProgram(folder, false).codeCache, 'rejected');
      const second = run(bin, work);
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, /"msg": "42"/);
      assert.equal(loadCachedProgram(folder, false).codeCache, 'used', 'a rejected cache is replaced');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('the shipped bin.js as a command', () => {
  test('node starts without NODE_EXTRA_CA_CERTS (no CA file read), and the commands a run starts get it back', () => {
    const work = mkdtempSync(join(tmpdir(), 'betif-launcher-'));
    try {
      writeFileSync(join(work, 'env.yml'), [
        '- hosts: localhost',
        '  gather_facts: false',
        '  tasks:',
        '    - command: printenv NODE_EXTRA_CA_CERTS',
        '      register: seen',
        '    - debug: {msg: "seen {{ seen.stdout }}"}',
        '',
      ].join('\n'));
      const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(work, 'no-such-ca.pem') };
      const asCommand = spawnSync(BIN, [join(work, 'env.yml')], { cwd: work, encoding: 'utf8', env });
      assert.equal(asCommand.status, 0, asCommand.stdout + asCommand.stderr);
      assert.match(asCommand.stdout, new RegExp(`"msg": "seen ${join(work, 'no-such-ca.pem')}"`));
      assert.doesNotMatch(asCommand.stderr, /extra certs/);
      // Node itself reads the file when it is started with the variable, and says so when there is none.
      const withNode = spawnSync(process.execPath, [BIN, '--version'], { cwd: work, encoding: 'utf8', env });
      assert.match(withNode.stderr, /Ignoring extra certs from .*no-such-ca\.pem/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
