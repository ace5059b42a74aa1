import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { LocalConnection } from '../../src/connection/local.js';
import type { Connection } from '../../src/connection/types.js';
import copy from '../../src/modules/files/copy.js';
import file from '../../src/modules/files/file.js';
import lineinfile from '../../src/modules/files/lineinfile.js';
import template from '../../src/modules/files/template.js';
import type { Module } from '../../src/modules/contract.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

/*
 * Every program a module's script starts on the host is a fork and exec, the main cost of a task that
 * changes nothing. The host here is this machine with a PATH where every program is a logging stand-in
 * for the real one, so a test sees which programs a task ran.
 */

const LOGGER = `#!/bin/sh
echo "\${0##*/}" >> "$PROGRAM_LOG"
PATH=$REAL_PATH exec "\${0##*/}" "$@"
`;

let standIns: string;

function makeStandIns(): string {
  const dir = scratchDir('betif-programs-');
  const logger = join(dir, '.logger');
  writeFileSync(logger, LOGGER);
  chmodSync(logger, 0o755);
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder.startsWith('/') || !existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      if (!existsSync(join(dir, name))) symlinkSync(logger, join(dir, name));
    }
  }
  return dir;
}

/** A connection to this machine that records the programs each command runs. */
function countingHost(): { connection: Connection; programs: () => string[]; reset: () => void } {
  const log = join(scratchDir('betif-program-log-'), 'programs');
  const local = new LocalConnection('localhost');
  const env = { PATH: standIns, REAL_PATH: process.env.PATH ?? '', PROGRAM_LOG: log };
  const connection: Connection = {
    host: 'localhost',
    exec: (argv, options = {}) => local.exec(argv, { ...options, env: { ...options.env, ...env } }),
    reconnect: async () => {},
    close: async () => {},
  };
  return {
    connection,
    programs: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    reset: () => writeFileSync(log, ''),
  };
}

/** Runs a task twice and returns the programs the second (no-change) run started. */
async function secondRunPrograms(module: Module, args: Record<string, unknown>, options: { diff?: boolean; filesDir?: string } = {}): Promise<string[]> {
  const host = countingHost();
  const first = await runModule(module, args, { ...options, connection: host.connection });
  assert.equal(first.result.failed, undefined, String(first.result.msg));
  host.reset();
  const second = await runModule(module, args, { ...options, connection: host.connection });
  assert.equal(second.result.changed, false, JSON.stringify(second.result));
  assert.equal(second.result.failed, undefined, String(second.result.msg));
  return host.programs();
}

describe('programs a no-change task starts on the host', () => {
  before(() => {
    standIns = makeStandIns();
  });

  test('file: one stat, also with owner and group given by name', async () => {
    const dir = scratchDir();
    assert.deepEqual(await secondRunPrograms(file, { path: join(dir, 'a', 'b'), state: 'directory', mode: '0750' }), ['stat']);
    writeFileSync(join(dir, 'f'), 'x');
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    assert.deepEqual(await secondRunPrograms(file, { path: join(dir, 'f'), owner: userInfo().username, group, mode: '0600' }), ['stat']);
  });

  test('copy and template: a stat and a checksum, with or without --diff', async () => {
    const dir = scratchDir();
    for (const diff of [false, true]) {
      const programs = await secondRunPrograms(copy, { content: 'hello\n', dest: join(dir, `motd-${diff}`), mode: '0644' }, { diff });
      assert.deepEqual(programs.sort(), ['sha1sum', 'stat']);
    }
    const templates = join(dir, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'app.j2'), 'port=1\n');
    const programs = await secondRunPrograms(template, { src: 'app.j2', dest: join(dir, 'app.conf') }, { filesDir: templates, diff: true });
    assert.deepEqual(programs.sort(), ['sha1sum', 'stat']);
  });

  test('lineinfile: a stat and the content', async () => {
    const path = join(scratchDir(), 'conf.ini');
    writeFileSync(path, 'key1=value1\n');
    const programs = await secondRunPrograms(lineinfile, { path, regexp: '^key2=', line: 'key2=value2' });
    assert.deepEqual(programs.sort(), ['base64', 'stat']);
  });

  test('a symlink: at most four more programs to read where it points', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'target'));
    const programs = await secondRunPrograms(file, { src: join(dir, 'target'), dest: join(dir, 'link'), state: 'link' });
    assert.ok(programs.length <= 5, programs.join(' '));
  });
});

describe('content is still read when a diff needs it', () => {
  test('copy --diff shows the old content it replaces', async () => {
    const dest = join(scratchDir(), 'motd');
    writeFileSync(dest, 'old\n');
    const result = await runModule(copy, { content: 'new\n', dest }, { diff: true });
    assert.deepEqual(result.diff, [{ before: 'old\n', after: 'new\n', beforeHeader: dest, afterHeader: dest }]);
  });

  test('copy --diff over a symlink (follow: false) with the same content diffs the replaced link target', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'real'), 'same\n');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const result = await runModule(copy, { content: 'same\n', dest: join(dir, 'link') }, { diff: true, check: true });
    assert.equal(result.result.changed, true);
    assert.deepEqual(result.diff, [{ before: 'same\n', after: 'same\n', beforeHeader: join(dir, 'link'), afterHeader: join(dir, 'link') }]);
  });
});
