import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { dateTimeFacts } from '../../src/facts/date-time.js';
import { pythonFacts } from '../../src/facts/python.js';
import { FACTS_SCRIPT, parseFactOutput } from '../../src/facts/script.js';

interface Gathering {
  /** The home folder the script runs with (where it keeps the python facts); a new empty one if unset. */
  home?: string;
  /** The script's $3: ansible_python_interpreter's words. */
  interpreter?: string;
}

/** Runs the facts script here under `shell` for these parts; returns its output and the programs it started. */
function gather(shell: string, parts: string, { home, interpreter = '' }: Gathering = {}): { stdout: string; programs: string[] } {
  const folder = mkdtempSync(join(tmpdir(), 'facts-script-'));
  try {
    const trace = join(folder, 'trace');
    const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', trace, shell, '-c', FACTS_SCRIPT, 'sh', '', parts, interpreter], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home ?? folder },
    });
    assert.equal(run.status, 0, run.stderr);
    const programs = readFileSync(trace, 'utf8').split('\n').filter((line) => / = 0$/.test(line)).map((line) => basename(/execve\("([^"]+)"/.exec(line)?.[1] ?? '?'));
    return { stdout: run.stdout, programs: programs.slice(1) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('date_time is the same from date (dash), from bash 5 itself and from the host\'s Python, which start no date', () => {
  const fromDate = gather('dash', 'date platform');
  const fromBash = gather('bash', 'date platform');
  const fromPython = gather('dash', 'date platform python');
  assert.deepEqual(fromDate.programs, ['grep', 'date']);
  assert.deepEqual(fromBash.programs, ['grep']);
  assert.deepEqual(fromPython.programs, ['stat', 'grep', 'python3']);
  const [dated, ...others] = [fromDate, fromBash, fromPython].map(({ stdout }) => dateTimeFacts(parseFactOutput(stdout)));
  for (const other of others) {
    assert.deepEqual(Object.keys(other), Object.keys(dated));
    assert.equal(other.tz, dated.tz);
    assert.equal(other.tz_offset, dated.tz_offset);
    assert.equal(other.weekday, dated.weekday);
    assert.match(other.iso8601_micro, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(Math.abs(Number(other.epoch) - Number(dated.epoch)) <= 5);
  }
});

test('the script reads only the wanted parts and starts nothing for parts sh answers alone', () => {
  const { stdout, programs } = gather('dash', 'exists');
  assert.deepEqual(programs, []);
  const inputs = parseFactOutput(stdout);
  assert.deepEqual([...inputs.sections.keys()], ['exists', 'end']);
  assert.equal(inputs.files.size, 0);
});

test('the python facts are kept on the host: Python starts again only when the interpreter is replaced', () => {
  const home = mkdtempSync(join(tmpdir(), 'facts-home-'));
  try {
    const python = (interpreter?: string) => {
      const { stdout, programs } = gather('dash', 'date python', { home, interpreter });
      const inputs = parseFactOutput(stdout);
      return { programs, python: pythonFacts(inputs), date: dateTimeFacts(inputs) };
    };
    const first = python();
    const cached = python();
    assert.deepEqual(first.programs, ['stat', 'python3']);
    // Read back with sh builtins: stat checks the interpreter, date tells the time Python told before.
    assert.deepEqual(cached.programs, ['stat', 'date']);
    assert.deepEqual(cached.python, first.python);
    assert.deepEqual(Object.keys(cached.date), Object.keys(first.date));
    const cache = join(home, '.ansible', 'tmp', 'betif-python-facts');
    assert.equal(statSync(cache).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, '.ansible', 'tmp')).mode & 0o777, 0o700);

    // A package upgrade: a new file moved over the old one, with the packaged modification time kept.
    const interpreter = join(home, 'python3');
    copyFileSync('/usr/bin/python3', interpreter);
    assert.deepEqual(python(interpreter).programs, ['stat', 'python3']);
    assert.deepEqual(python(interpreter).programs, ['stat', 'date']);
    const { mtime, atime } = statSync(interpreter);
    copyFileSync('/usr/bin/python3', `${interpreter}.new`);
    utimesSync(`${interpreter}.new`, atime, mtime);
    renameSync(`${interpreter}.new`, interpreter);
    const upgraded = python(interpreter);
    assert.deepEqual(upgraded.programs, ['stat', 'python3']);
    assert.equal((upgraded.python.python as { executable: string }).executable, interpreter);

    // A cache file someone else owns is not believed.
    chownSync(cache, 65534, 65534);
    assert.deepEqual(python(interpreter).programs, ['stat', 'python3']);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
