import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import assertModule from '../../src/modules/controller/assert.js';
import { runModule } from '../helpers/module-harness.js';

/** The harness evaluates an expression by looking it up in vars, so each condition's value is given directly. */
const vars = { 'port == 80': true, 'users | length > 0': [1], 'disk_free > 10': false, 'empty_list': [], 'zero': 0 };

describe('assert', () => {
  test('passes when every condition holds', async () => {
    const { result } = await runModule(assertModule, { that: ['port == 80', 'users | length > 0'] }, { vars });
    assert.deepEqual(result, { changed: false, msg: 'All assertions passed' });
  });

  test('a single condition and success_msg', async () => {
    const { result } = await runModule(assertModule, { that: 'port == 80', success_msg: 'port ok' }, { vars });
    assert.equal(result.msg, 'port ok');
  });

  test('fails on the first false condition with Ansible\'s keys', async () => {
    const { result } = await runModule(assertModule, { that: ['port == 80', 'disk_free > 10', 'zero'], fail_msg: 'not enough disk' }, { vars });
    assert.deepEqual(result, { changed: false, failed: true, msg: 'not enough disk', assertion: 'disk_free > 10', evaluated_to: false });
  });

  test('falsy values follow Jinja2: empty lists and 0 fail; msg is fail_msg\'s older name', async () => {
    for (const that of ['empty_list', 'zero']) {
      const { result } = await runModule(assertModule, { that, msg: `${that} is falsy` }, { vars });
      assert.equal(result.failed, true, that);
      assert.equal(result.msg, `${that} is falsy`);
    }
    const plain = await runModule(assertModule, { that: [false] }, { vars });
    assert.equal(plain.result.msg, 'Assertion failed');
  });

  test('that is required', async () => {
    await assert.rejects(runModule(assertModule, { fail_msg: 'x' }), /missing required argument 'that' for module 'assert'/);
  });
});
