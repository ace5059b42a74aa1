import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { DRIVER_HELLO, driverStart, encodeRequest, streamRequest } from '../../src/connection/driver.js';

/** What the driver, started here with dash (Debian's /bin/sh), prints for one command, between its frame markers. */
function throughDriver(argv: string[]): string {
  const run = spawnSync('dash', ['-c', driverStart().script, 'sh'], { input: encodeRequest('t0', streamRequest(argv)), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stdout.startsWith(DRIVER_HELLO));
  return run.stdout.slice(DRIVER_HELLO.length).replace(/^t0a\n/, '').replace(/t0z0\n$/, '');
}

test('echo, printf and pwd answer as the programs Ansible would run, not as the shell builtins of the same names', () => {
  for (const argv of [['echo', 'a\\nb'], ['echo', '-e', 'a\\tb'], ['printf', '%s\\u00e9\\n', 'x'], ['pwd']]) {
    const program = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout;
    assert.equal(throughDriver(argv), program, argv.join(' '));
  }
});
