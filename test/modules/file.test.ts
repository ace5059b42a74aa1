import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import file from '../../src/modules/files/file.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);

describe('file', () => {
  test('state=directory creates every missing folder with the mode, then is idempotent', async () => {
    const dir = scratchDir();
    const path = join(dir, 'a', 'b', 'c');
    const first = await runModule(file, { path, state: 'directory', mode: '0750' });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.path, path);
    assert.equal(first.result.state, 'directory');
    assert.equal(first.result.mode, '0750');
    for (const folder of [join(dir, 'a'), join(dir, 'a', 'b'), path]) assert.equal(modeOf(folder), '750');
    assert.deepEqual(first.diff, [{ before: `{\n    "mode": "0755",\n    "path": "${path}",\n    "state": "absent"\n}\n`, after: `{\n    "mode": "0750",\n    "path": "${path}",\n    "state": "directory"\n}\n` }]);
    const second = await runModule(file, { path, state: 'directory', mode: 0o750 });
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('a result that changes nothing still carries diff: the path, and the state for touch (as Ansible 2.14)', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, '');
    const same = await runModule(file, { path, state: 'file' });
    assert.equal(same.result.changed, false);
    assert.deepEqual(same.result.diff, { before: { path }, after: { path } });
    assert.deepEqual(same.diff, []);
    const touched = await runModule(file, { path, state: 'touch', modification_time: 'preserve', access_time: 'preserve' });
    assert.equal(touched.result.changed, false);
    assert.deepEqual(touched.result.diff, { before: { path, state: 'file' }, after: { path, state: 'touch' } });
    assert.deepEqual((await runModule(file, { path: dir, state: 'directory' })).result.diff, { before: { path: dir }, after: { path: dir } });
    assert.equal((await runModule(file, { path: join(dir, 'missing'), state: 'absent' })).result.diff, undefined);
  });

  test('check mode warns of an owner or group the host does not know (a real run may create it), success or failure', async () => {
    const dir = scratchDir();
    const missing = await runModule(file, { path: join(dir, 'missing'), owner: 'betif-no-such-user', group: '111112' }, { check: true });
    assert.equal(missing.result.failed, true);
    assert.deepEqual(missing.result.warnings, [
      'failed to look up user betif-no-such-user. Create user up to this point in real play',
      'failed to look up group with gid 111112. Create group up to this point in real play',
    ]);
    const folder = await runModule(file, { path: dir, state: 'directory', owner: '111111', group: 'root' }, { check: true });
    assert.equal(folder.result.changed, true);
    assert.deepEqual(folder.result.warnings, ['failed to look up user with uid 111111. Create user up to this point in real play']);
    assert.equal((await runModule(file, { path: dir, state: 'directory', owner: 'root' }, { check: true })).result.warnings, undefined);
    writeFileSync(join(dir, 'there'), '');
    const existing = await runModule(file, { path: join(dir, 'there'), state: 'touch', owner: 'betif-no-such-user' }, { check: true });
    assert.equal(existing.result.msg, 'chown failed: failed to look up user betif-no-such-user', 'a path that is there gets the owner set, so the name must exist');
    assert.equal((await runModule(file, { path: join(dir, 'missing'), state: 'absent', owner: 'betif-no-such-user' }, { check: true })).result.warnings, undefined);
  });

  test('mode changes show in the diff; symbolic modes follow Ansible', async () => {
    const dir = scratchDir();
    const path = join(dir, 'f');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const cases: [string, string][] = [['u+x', '744'], ['u=g', '444'], ['a-w', '444'], ['g+s,o=t', '3440'], ['u=rwX,go=rX', '644'], ['0600', '600']];
    for (const [mode, expected] of cases) {
      await runModule(file, { path, mode });
      assert.equal(modeOf(path), expected, mode);
    }
    const result = await runModule(file, { path, mode: 'o+r' });
    assert.deepEqual(result.diff, [{ before: `{\n    "mode": "0600",\n    "path": "${path}"\n}\n`, after: `{\n    "mode": "0604",\n    "path": "${path}"\n}\n` }]);
    assert.equal(result.result.state, 'file');
  });

  test('recurse sets the mode on everything inside', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'sub', 'f'), '');
    chmodSync(join(dir, 'tree', 'sub', 'f'), 0o666);
    const first = await runModule(file, { path: join(dir, 'tree'), state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' });
    assert.equal(first.result.changed, true);
    assert.equal(modeOf(join(dir, 'tree', 'sub')), '750');
    assert.equal(modeOf(join(dir, 'tree', 'sub', 'f')), '640');
    assert.equal((await runModule(file, { path: join(dir, 'tree'), recurse: true, mode: 'u=rwX,g=rX,o=' })).result.changed, false);
    await runModule(file, { path: join(dir, 'tree'), recurse: true, mode: '0o700' });
    assert.equal(modeOf(join(dir, 'tree', 'sub', 'f')), '700');
  });

  test('recurse with follow also sets what the links inside point at (into linked folders), dangling links left alone; follow=false does not', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'top'));
    mkdirSync(join(dir, 'target-dir'));
    for (const path of [join(dir, 'target-file'), join(dir, 'target-dir', 'foo')]) writeFileSync(path, '');
    for (const path of [join(dir, 'target-file'), join(dir, 'target-dir'), join(dir, 'target-dir', 'foo')]) chmodSync(path, 0o700);
    symlinkSync('../target-file', join(dir, 'top', 'file-link'));
    symlinkSync('../target-dir', join(dir, 'top', 'dir-link'));
    symlinkSync('does_not_exist', join(dir, 'top', 'dangling'));
    await runModule(file, { path: join(dir, 'top'), recurse: true, follow: false, mode: 'a-x' });
    assert.deepEqual([modeOf(join(dir, 'target-file')), modeOf(join(dir, 'target-dir')), modeOf(join(dir, 'target-dir', 'foo'))], ['700', '700', '700']);
    const followed = await runModule(file, { path: join(dir, 'top'), recurse: true, mode: 'a-x' });
    assert.equal(followed.result.changed, true);
    assert.deepEqual([modeOf(join(dir, 'target-file')), modeOf(join(dir, 'target-dir')), modeOf(join(dir, 'target-dir', 'foo'))], ['600', '600', '600']);
    assert.equal((await runModule(file, { path: join(dir, 'top'), recurse: true, mode: 'a-x' })).result.changed, false);
  });

  test('state=hard with a folder as path links the file named after src inside it (as Ansible)', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'file_to_link'), 'x');
    mkdirSync(join(dir, 'sub1'));
    const result = await runModule(file, { src: join(dir, 'file_to_link'), dest: join(dir, 'sub1'), state: 'hard', force: false });
    assert.equal(result.result.changed, true);
    assert.equal(result.result.dest, join(dir, 'sub1', 'file_to_link'));
    assert.equal(statSync(join(dir, 'sub1', 'file_to_link')).ino, statSync(join(dir, 'file_to_link')).ino);
    assert.equal(lstatSync(join(dir, 'sub1')).isDirectory(), true);
  });

  test('_diff_peek only tells whether the file appears binary (a NUL in its head), changing nothing', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'text'), 'plain\n');
    writeFileSync(join(dir, 'binary'), Buffer.from([0x7f, 0x45, 0x00, 0x01]));
    const modeBefore = statSync(join(dir, 'text')).mode;
    const text = await runModule(file, { path: join(dir, 'text'), _diff_peek: true, mode: '0600' });
    assert.deepEqual([text.result.changed, text.result.appears_binary], [false, false]);
    assert.equal(statSync(join(dir, 'text')).mode, modeBefore);
    assert.equal((await runModule(file, { path: join(dir, 'binary'), _diff_peek: false })).result.appears_binary, true);
    assert.equal((await runModule(file, { path: join(dir, 'missing'), _diff_peek: true })).result.appears_binary, false);
  });

  test('check mode reports changes without making them', async () => {
    const dir = scratchDir();
    const folder = await runModule(file, { path: join(dir, 'new'), state: 'directory' }, { check: true });
    assert.equal(folder.result.changed, true);
    assert.equal(existsSync(join(dir, 'new')), false);
    writeFileSync(join(dir, 'f'), 'x');
    chmodSync(join(dir, 'f'), 0o644);
    const mode = await runModule(file, { path: join(dir, 'f'), mode: '0600' }, { check: true });
    assert.equal(mode.result.changed, true);
    assert.equal(modeOf(join(dir, 'f')), '644');
    const gone = await runModule(file, { path: join(dir, 'f'), state: 'absent' }, { check: true });
    assert.equal(gone.result.changed, true);
    assert.equal(existsSync(join(dir, 'f')), true);
    const link = await runModule(file, { path: join(dir, 'l'), state: 'link', src: 'f' }, { check: true });
    assert.equal(link.result.changed, true);
    assert.equal(existsSync(join(dir, 'l')), false);
  });

  test('state=absent removes files and whole trees, listing what a folder held (os.walk order) in the diff', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'tree', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'deep', 'f'), '');
    const result = await runModule(file, { path: join(dir, 'tree'), state: 'absent' });
    assert.equal(result.result.changed, true);
    assert.equal(result.result.state, 'absent');
    const pathContent = { directories: [join(dir, 'tree', 'deep')], files: [join(dir, 'tree', 'deep', 'f')] };
    assert.deepEqual(result.diff, [{ before: `${JSON.stringify({ path: join(dir, 'tree'), path_content: pathContent, state: 'directory' }, null, 4)}\n`, after: `{\n    "path": "${join(dir, 'tree')}",\n    "state": "absent"\n}\n` }]);
    assert.deepEqual((result.result.diff as { before: object }).before, { path: join(dir, 'tree'), state: 'directory', path_content: pathContent });
    assert.equal(existsSync(join(dir, 'tree')), false);
    assert.equal((await runModule(file, { path: join(dir, 'tree'), state: 'absent' })).result.changed, false);
  });

  test('state=link creates and repoints symlinks', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'v1'), '');
    writeFileSync(join(dir, 'v2'), '');
    const path = join(dir, 'current');
    const first = await runModule(file, { path, state: 'link', src: 'v1' });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.dest, path);
    assert.equal(first.result.state, 'link');
    assert.equal(readlinkSync(path), 'v1');
    assert.equal((await runModule(file, { path, state: 'link', src: 'v1' })).result.changed, false);
    const repoint = await runModule(file, { path, state: 'link', src: 'v2' });
    assert.equal(readlinkSync(path), 'v2');
    assert.deepEqual(repoint.diff, [{ before: `{\n    "path": "${path}",\n    "src": "v1"\n}\n`, after: `{\n    "path": "${path}",\n    "src": "v2"\n}\n` }]);
    assert.equal((await runModule(file, { path })).result.changed, false, 'state defaults to what is there');
  });

  test('links: refuses to replace files or folders unless forced', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'file'), '');
    const refused = await runModule(file, { path: join(dir, 'file'), state: 'link', src: '/etc/hosts' });
    assert.equal(refused.result.msg, `refusing to convert from file to symlink for ${join(dir, 'file')}`);
    await runModule(file, { path: join(dir, 'file'), state: 'link', src: '/etc/hosts', force: true });
    assert.equal(readlinkSync(join(dir, 'file')), '/etc/hosts');
    const missing = await runModule(file, { path: join(dir, 'l'), state: 'link', src: 'nowhere' });
    assert.equal(missing.result.msg, `src file does not exist, use "force=yes" if you really want to create the link: ${join(dir, 'nowhere')}`);
    await runModule(file, { path: join(dir, 'l'), state: 'link', src: 'nowhere', force: true });
    assert.equal(lstatSync(join(dir, 'l')).isSymbolicLink(), true);
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'x'), '');
    const full = await runModule(file, { path: join(dir, 'full'), state: 'link', src: '/etc/hosts', force: true });
    assert.equal(full.result.msg, `the directory ${join(dir, 'full')} is not empty, refusing to convert it`);
  });

  test('state=hard links to the same inode', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'orig'), 'x');
    const result = await runModule(file, { path: join(dir, 'twin'), state: 'hard', src: join(dir, 'orig') });
    assert.equal(result.result.changed, true);
    assert.equal(result.result.state, 'hard');
    assert.equal(statSync(join(dir, 'twin')).ino, statSync(join(dir, 'orig')).ino);
    assert.equal((await runModule(file, { path: join(dir, 'twin'), state: 'hard', src: join(dir, 'orig') })).result.changed, false);
  });

  test('state=touch creates a file and always reports a change', async () => {
    const dir = scratchDir();
    const path = join(dir, 'stamp');
    const first = await runModule(file, { path, state: 'touch', mode: 'u=rw,g=r,o=' });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.dest, path);
    assert.equal(modeOf(path), '640');
    assert.equal((await runModule(file, { path, state: 'touch' })).result.changed, true);
  });

  test('follow works on what a symlink points to', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'target'), '');
    chmodSync(join(dir, 'target'), 0o644);
    symlinkSync('target', join(dir, 'link'));
    await runModule(file, { path: join(dir, 'link'), state: 'file', mode: '0600' });
    assert.equal(modeOf(join(dir, 'target')), '600');
    assert.equal(lstatSync(join(dir, 'link')).isSymbolicLink(), true);
  });

  test('user mistakes fail with Ansible\'s messages', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'f'), '');
    const cases: [Record<string, unknown>, string][] = [
      [{ path: join(dir, 'none'), state: 'file' }, `file (${join(dir, 'none')}) is absent, cannot continue`],
      [{ path: dir, state: 'file' }, `file (${dir}) is directory, cannot continue`],
      [{ path: join(dir, 'f'), state: 'directory' }, `${join(dir, 'f')} already exists as a file`],
      [{ path: join(dir, 'f'), src: '/etc/hosts' }, "src option requires state to be 'link' or 'hard'"],
      [{ path: join(dir, 'f'), recurse: true }, "recurse option requires state to be 'directory'"],
      [{ path: join(dir, 'new'), state: 'link' }, 'src is required for creating new symlinks'],
      [{ path: join(dir, 'new'), state: 'hard', src: join(dir, 'none') }, 'src does not exist'],
      [{ path: join(dir, 'f'), mode: 'u=rwz' }, "mode must be in octal or symbolic form: 'u=rwz' (bad symbolic permission for mode: u=rwz)"],
      [{ path: join(dir, 'f'), mode: '017777' }, "Invalid mode supplied, only permission info is allowed: '017777'"],
      [{ path: join(dir, 'f'), owner: 'no-such-user-here' }, 'chown failed: failed to look up user no-such-user-here'],
    ];
    for (const [args, msg] of cases) {
      const { result } = await runModule(file, args);
      assert.equal(result.failed, true, msg);
      assert.equal(result.msg, msg);
    }
  });

  test('rejects bad arguments; accepts dest and name for path', async () => {
    const dir = scratchDir();
    await runModule(file, { name: join(dir, 'by-name'), state: 'directory' });
    await runModule(file, { dest: join(dir, 'by-dest'), state: 'touch' });
    assert.deepEqual(readdirSync(dir).sort(), ['by-dest', 'by-name']);
    await assert.rejects(runModule(file, { path: dir, stat: 'directory' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'stat' for module 'file' \(did you mean 'state'\?\)/);
      return true;
    });
    await assert.rejects(runModule(file, { state: 'directory' }), /missing required argument 'path' for module 'file'/);
    await assert.rejects(runModule(file, { path: dir, state: 'folder' }), /argument 'state' must be one of: absent, directory, file, hard, link, touch/);
    await assert.rejects(runModule(file, { path: dir, recurse: 'deep' }), /argument 'recurse' must be boolean/);
  });

  test('paths are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}-${Date.now()}`;
    const names = [`a; touch ${tag}-1`, `$(touch ${tag}-2)`, `\`touch ${tag}-3\``];
    for (const name of names) {
      await runModule(file, { path: join(dir, name), state: 'directory', mode: '0700' });
      await runModule(file, { path: join(dir, `${name}-link`), state: 'link', src: `$(touch ${tag}-4)`, force: true });
      await runModule(file, { path: join(dir, `${name}-touched`), state: 'touch' });
    }
    assert.equal(readlinkSync(join(dir, `${names[0]}-link`)), `$(touch ${tag}-4)`);
    assert.equal(statSync(join(dir, names[1])).isDirectory(), true);
    for (const where of [dir, process.cwd()]) {
      assert.deepEqual(readdirSync(where).filter((entry) => entry.startsWith(tag)), []);
    }
  });
});
