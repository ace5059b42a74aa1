import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import find from '../../src/modules/files/find.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

/** A small tree: files, a hidden folder, a link to a folder, a deep file. */
function tree(): string {
  const dir = scratchDir('betif-find-');
  mkdirSync(join(dir, 'conf.d', 'sub', 'deep'), { recursive: true });
  mkdirSync(join(dir, '.cache'));
  writeFileSync(join(dir, 'app.conf'), 'port=80\nname=app\n');
  writeFileSync(join(dir, 'notes.txt'), 'x');
  writeFileSync(join(dir, '.hidden.conf'), 'h');
  writeFileSync(join(dir, '.cache', 'c.conf'), 'c');
  writeFileSync(join(dir, 'conf.d', 'a.conf'), 'listen 8080\n');
  writeFileSync(join(dir, 'conf.d', 'sub', 'deep', 'z.conf'), 'z');
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(4096));
  symlinkSync('conf.d', join(dir, 'linked'));
  return dir;
}

const paths = (result: Record<string, unknown>, base: string): string[] =>
  (result.files as { path: string }[]).map((file) => file.path.slice(base.length + 1)).sort();

describe('find', () => {
  test('lists the files of one folder, not hidden ones, with Ansible\'s result keys', async () => {
    const dir = tree();
    const { result } = await runModule(find, { paths: dir });
    assert.deepEqual(paths(result, dir), ['app.conf', 'big.bin', 'notes.txt']);
    assert.equal(result.changed, false);
    assert.equal(result.matched, 3);
    assert.equal(result.examined, 7);
    assert.equal(result.msg, 'All paths examined');
    assert.deepEqual(result.skipped_paths, {});
    const app = (result.files as Record<string, unknown>[]).find((file) => String(file.path).endsWith('app.conf'))!;
    assert.equal(app.mode, '0644');
    assert.equal(app.isreg, true);
    assert.equal(app.size, 17);
    assert.equal(app.pw_name, 'root');
    assert.equal(typeof app.mtime, 'number');
  });

  test('recurse, hidden, patterns and excludes select as Ansible does (hidden folders are still entered)', async () => {
    const dir = tree();
    const all = await runModule(find, { paths: dir, recurse: true, patterns: '*.conf' });
    assert.deepEqual(paths(all.result, dir), ['.cache/c.conf', 'app.conf', 'conf.d/a.conf', 'conf.d/sub/deep/z.conf']);
    const hidden = await runModule(find, { paths: [dir], recurse: true, hidden: true, patterns: ['*.conf'], excludes: ['z*', 'c.*'] });
    assert.deepEqual(paths(hidden.result, dir), ['.hidden.conf', 'app.conf', 'conf.d/a.conf']);
    const regex = await runModule(find, { paths: dir, recurse: true, use_regex: true, patterns: ['^[az]\\.conf$'] });
    assert.deepEqual(paths(regex.result, dir), ['conf.d/a.conf', 'conf.d/sub/deep/z.conf']);
  });

  test('depth limits the walk; follow enters links to folders', async () => {
    const dir = tree();
    const shallow = await runModule(find, { paths: dir, recurse: true, depth: 2, patterns: '*.conf' });
    assert.deepEqual(paths(shallow.result, dir), ['.cache/c.conf', 'app.conf', 'conf.d/a.conf']);
    const followed = await runModule(find, { paths: dir, recurse: true, follow: true, patterns: 'a.conf' });
    assert.deepEqual(paths(followed.result, dir), ['conf.d/a.conf', 'linked/a.conf']);
  });

  test('file_type, size, age, contains and get_checksum', async () => {
    const dir = tree();
    const dirs = await runModule(find, { paths: dir, file_type: 'directory', hidden: true });
    assert.deepEqual(paths(dirs.result, dir), ['.cache', 'conf.d']);
    const links = await runModule(find, { paths: dir, file_type: 'link' });
    assert.deepEqual(paths(links.result, dir), ['linked']);
    const big = await runModule(find, { paths: dir, size: '4k' });
    assert.deepEqual(paths(big.result, dir), ['big.bin']);
    const small = await runModule(find, { paths: dir, size: '-1k' });
    assert.deepEqual(paths(small.result, dir), ['app.conf', 'notes.txt']);
    const old = join(dir, 'notes.txt');
    utimesSync(old, new Date(Date.now() - 3 * 86400_000), new Date(Date.now() - 3 * 86400_000));
    const aged = await runModule(find, { paths: dir, age: '2d' });
    assert.deepEqual(paths(aged.result, dir), ['notes.txt']);
    const young = await runModule(find, { paths: dir, age: '-1h' });
    assert.deepEqual(paths(young.result, dir), ['app.conf', 'big.bin']);
    const contains = await runModule(find, { paths: dir, recurse: true, contains: 'port=\\d+' });
    assert.deepEqual(paths(contains.result, dir), ['app.conf']);
    const lineStart = await runModule(find, { paths: dir, contains: 'name' });
    assert.deepEqual(paths(lineStart.result, dir), ['app.conf']);
    const anywhere = await runModule(find, { paths: dir, contains: '80\\nname', read_whole_file: true });
    assert.deepEqual(paths(anywhere.result, dir), ['app.conf']);
    const sums = await runModule(find, { paths: dir, patterns: 'notes.txt', get_checksum: true });
    assert.equal((sums.result.files as Record<string, unknown>[])[0].checksum, '11f6ad8ec52a2984abaafd7c3b516503785c2072');
  });

  test('a path that is not a folder is skipped with a warning', async () => {
    const dir = tree();
    const missing = join(dir, 'nope');
    const { result } = await runModule(find, { paths: [dir, missing] });
    assert.equal(result.failed, undefined);
    assert.equal(result.msg, 'Not all paths examined, check warnings for details');
    assert.deepEqual(result.skipped_paths, { [missing]: `'${missing}' is not a directory` });
    assert.deepEqual(result.warnings, [`Skipped '${missing}' path due to this access issue: '${missing}' is not a directory\n`]);
  });

  test('bad arguments: unknown keys and choices at load time, a bad age or size when run', async () => {
    await assert.rejects(runModule(find, { paths: '/tmp', pattern: '*', recurce: true }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'recurce' for module 'find' \(did you mean 'recurse'\?\)/);
      return true;
    });
    await assert.rejects(runModule(find, { paths: '/tmp', file_type: 'socket' }), /file_type/);
    await assert.rejects(runModule(find, { recurse: true }), /missing required argument 'paths'/);
    const age = await runModule(find, { paths: '/tmp', age: '3 days' });
    assert.equal(age.result.msg, 'failed to process age');
    assert.equal(age.result.age, '3 days');
  });

  test('names are data, never shell', async () => {
    const dir = tree();
    const tag = `pwned-${process.pid}`;
    const odd = join(dir, `$(touch ${tag}) ; x`);
    mkdirSync(odd);
    writeFileSync(join(odd, `a\nb \`touch ${tag}\`.conf`), 'x');
    const { result } = await runModule(find, { paths: odd, patterns: '*.conf', contains: 'x', get_checksum: true });
    assert.deepEqual(paths(result, odd), [`a\nb \`touch ${tag}\`.conf`]);
    assert.equal(result.matched, 1);
  });
});

describe('find on a lab host over SSH', () => {
  let lab: Lab;
  let work: string;

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2880), dir: join(tmpdir(), 'betif-lab-find') });
    const root = lab.hosts[0].root;
    rmSync(join(root, 'srv', 'logs'), { recursive: true, force: true });
    mkdirSync(join(root, 'srv', 'logs', 'old'), { recursive: true });
    for (const name of ['a.log', 'b.log', 'keep.txt', 'old/c.log']) writeFileSync(join(root, 'srv', 'logs', name), name);
    work = mkdtempSync(join(tmpdir(), 'betif-find-play-'));
  });

  after(async () => {
    await lab?.stop();
  });

  test('a playbook registers the matches and removes them with file; --check changes nothing', async () => {
    writeFileSync(
      join(work, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - find: {paths: /srv/logs, patterns: '*.log', recurse: true}
      register: logs
    - debug: {msg: "{{ logs.files | map(attribute='path') | sort | join(',') }} {{ logs.matched }}/{{ logs.examined }}"}
    - file: {path: "{{ item.path }}", state: absent}
      loop: "{{ logs.files }}"
`,
    );
    const base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
    const check = await betifPlay([...base, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /"msg": "\/srv\/logs\/a\.log,\/srv\/logs\/b\.log,\/srv\/logs\/old\/c\.log 3\/5"/);
    const first = await betifPlay(base);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
    assert.match(second.stdout, /"msg": " 0\/2"/);
  });

  test('a bad argument stops the run before any host is contacted, naming file and line', async () => {
    writeFileSync(join(work, 'bad.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - find: {paths: /srv, age_stamp: birth}\n`);
    const run = await betifPlay([join(work, 'bad.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath]);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, /bad\.yml:4:\d+/);
  });
});
