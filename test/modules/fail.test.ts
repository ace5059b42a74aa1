import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fail from '../../src/modules/controller/fail.js';
import { runModule } from '../helpers/module-harness.js';

describe('fail', () => {
  test('fails with the given message, or Ansible\'s default', async () => {
    assert.deepEqual((await runModule(fail, { msg: 'unsupported distribution' })).result, { changed: false, failed: true, msg: 'unsupported distribution' });
    assert.deepEqual((await runModule(fail, {})).result, { changed: false, failed: true, msg: 'Failed as requested from task' });
  });

  test('fails in check mode too', async () => {
    assert.equal((await runModule(fail, {}, { check: true })).result.failed, true);
  });

  test('unknown arguments are refused', async () => {
    await assert.rejects(runModule(fail, { message: 'x' }), /unsupported argument 'message' for module 'fail'/);
  });
});
