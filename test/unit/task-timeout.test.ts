import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../../src/connection/types.js';
import { stoppable, timedOutResult, wholeSeconds, withinTime } from '../../src/runner/task-timeout.js';

test('a task past its time gets Ansible\'s result; the module sends no command after that', async () => {
  const sent: string[] = [];
  const host: Connection = {
    host: 'h1',
    exec: async (argv) => {
      sent.push(argv.join(' '));
      await sleep(30);
      return { rc: 0, stdout: '', stderr: '' };
    },
    reconnect: async () => undefined,
    close: async () => undefined,
  };
  const limited = stoppable(host, 'copy');
  // A module that reads, then writes: the time is up during the read.
  const module = (async () => {
    await limited.connection.exec(['probe']);
    await limited.connection.exec(['write']);
    return 'done';
  })();
  assert.equal(await withinTime(module, 0.01, () => limited.stop()), undefined);
  await assert.rejects(module, /the copy action was terminated/);
  assert.deepEqual(sent, ['probe']);
  assert.deepEqual(timedOutResult('copy', 1), { failed: true, changed: false, msg: 'The copy action failed to execute in the expected time frame (1) and was terminated' });

  const quick = stoppable(host, 'command');
  assert.deepEqual(await withinTime(quick.connection.exec(['true']), 5, () => quick.stop()), { rc: 0, stdout: '', stderr: '' });
  assert.equal(await withinTime(Promise.resolve('no limit'), 0, () => assert.fail('a timeout of 0 is none')), 'no limit');
});

test('the timeout keyword is a whole number of seconds, as Ansible converts it', () => {
  assert.equal(wholeSeconds(undefined), 0);
  assert.equal(wholeSeconds(' 12 '), 12);
  assert.equal(wholeSeconds(3), 3);
  assert.throws(() => wholeSeconds('abc'), { message: "the field 'timeout' has an invalid value (abc), and could not be converted to an int.The error was: invalid literal for int() with base 10: 'abc'" });
});
