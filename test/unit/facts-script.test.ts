import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { dateTimeFacts } from '../../src/facts/date-time.js';
import { FACTS_SCRIPT, parseFactOutput } from '../../src/facts/script.js';

/** Runs the facts script here under `shell` for these parts; returns its output and the programs it started. */
function gather(shell: string, parts: string): { stdout: string; programs: string[] } {
  const folder = mkdtempSync(join(tmpdir(), 'facts-script-'));
  try {
    const trace = join(folder, 'trace');
    const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', trace, shell, '-c', FACTS_SCRIPT, 'sh', '', parts], { encoding: 'utf8' });
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
  assert.deepEqual(fromPython.programs, ['grep', 'python3']);
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
