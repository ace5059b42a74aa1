import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import fetch from '../../src/modules/files/fetch.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const SHA1_HELLO = 'f572d396fae9206628714fb2ce00f72e94f2258f';

function remoteFile(name = 'app.conf', content = 'hello\n'): string {
  const path = join(scratchDir('betif-fetch-src-'), name);
  writeFileSync(path, content);
  return path;
}

describe('fetch', () => {
  test('copies the file to DEST/<host>/<path> once, with Ansible\'s checksums', async () => {
    const src = remoteFile();
    const playbookDir = scratchDir('betif-fetch-play-');
    const vars = { playbook_dir: playbookDir };
    const first = await runModule(fetch, { src, dest: 'fetched' }, { vars });
    const dest = join(playbookDir, 'fetched', 'localhost', src);
    assert.deepEqual(first.result, { changed: true, dest, md5sum: 'b1946ac92492d2347c6235b4d2611184', remote_md5sum: null, checksum: SHA1_HELLO, remote_checksum: SHA1_HELLO });
    assert.equal(readFileSync(dest, 'utf8'), 'hello\n');
    const second = await runModule(fetch, { src, dest: 'fetched' }, { vars });
    assert.deepEqual(second.result, { changed: false, md5sum: 'b1946ac92492d2347c6235b4d2611184', file: src, dest, checksum: SHA1_HELLO });
    writeFileSync(src, 'changed\n');
    assert.equal((await runModule(fetch, { src, dest: 'fetched' }, { vars })).result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'changed\n');
  });

  test('flat puts the file at dest, or inside dest/ with a trailing slash', async () => {
    const src = remoteFile('id_rsa.pub', 'key\n');
    const out = scratchDir('betif-fetch-out-');
    await runModule(fetch, { src, dest: `${out}/keys/`, flat: true });
    assert.equal(readFileSync(join(out, 'keys', 'id_rsa.pub'), 'utf8'), 'key\n');
    await runModule(fetch, { src, dest: join(out, 'renamed.pub'), flat: true });
    assert.equal(readFileSync(join(out, 'renamed.pub'), 'utf8'), 'key\n');
    const folder = await runModule(fetch, { src, dest: join(out, 'keys'), flat: true });
    assert.equal(folder.result.msg, 'dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
  });

  test('a missing file fails unless fail_on_missing is false; a folder cannot be fetched', async () => {
    const dir = scratchDir();
    const out = scratchDir();
    const missing = await runModule(fetch, { src: join(dir, 'nope'), dest: out });
    assert.deepEqual(missing.result, { changed: false, failed: true, msg: 'the remote file does not exist, not transferring, ignored' });
    const ignored = await runModule(fetch, { src: join(dir, 'nope'), dest: out, fail_on_missing: false });
    assert.deepEqual(ignored.result, { changed: false, file: join(dir, 'nope'), msg: 'the remote file does not exist, not transferring, ignored' });
    const folder = await runModule(fetch, { src: dir, dest: out });
    assert.equal(folder.result.msg, 'remote file is a directory, fetch cannot work on directories');
  });

  test('check mode skips and writes nothing; bad arguments fail at load time', async () => {
    const out = scratchDir();
    const { result } = await runModule(fetch, { src: remoteFile(), dest: out }, { check: true });
    assert.deepEqual(result, { changed: false, skipped: true, msg: 'check mode not (yet) supported for this module' });
    assert.equal(existsSync(join(out, 'localhost')), false);
    await assert.rejects(runModule(fetch, { src: '/etc/hostname' }), /missing required argument 'dest'/);
    await assert.rejects(runModule(fetch, { src: '/etc/hostname', dest: out, flatt: true }), (error: Error) => error instanceof ArgumentError && /did you mean 'flat'/.test(error.message));
  });

  test('names are data, never shell', async () => {
    const tag = `pwned-${process.pid}`;
    const src = remoteFile(`$(touch ${tag});x\`touch ${tag}\``, 'data\n');
    const out = scratchDir();
    const { result } = await runModule(fetch, { src, dest: `${out}/`, flat: true });
    assert.equal(result.changed, true);
    assert.equal(existsSync(join(process.cwd(), tag)), false);
  });
});

describe('fetch from lab hosts over SSH', () => {
  let lab: Lab;
  let work: string;
  let base: string[];

  before(async () => {
    lab = await startLab(2, { basePort: labPort(2840), dir: join(tmpdir(), 'betif-lab-fetch') });
    for (const host of lab.hosts) {
      mkdirSync(join(host.root, 'srv', 'app'), { recursive: true });
      writeFileSync(join(host.root, 'srv', 'app', 'id.txt'), `${host.name}\n`);
    }
    work = mkdtempSync(join(tmpdir(), 'betif-fetch-play-'));
    writeFileSync(join(work, 'site.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - fetch: {src: /srv/app/id.txt, dest: collected}\n`);
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('each host\'s file lands under its own name next to the playbook; a second run changes nothing', async () => {
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(existsSync(join(work, 'collected')), false);
    const first = await betifPlay(base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h2.changed, 1);
    for (const name of ['h1', 'h2']) assert.equal(readFileSync(join(work, 'collected', name, 'srv', 'app', 'id.txt'), 'utf8'), `${name}\n`);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
