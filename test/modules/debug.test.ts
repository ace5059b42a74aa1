import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import debug from '../../src/modules/controller/debug.js';
import { runModule } from '../helpers/module-harness.js';

describe('debug', () => {
  test('prints msg, "Hello world!" by default', async () => {
    assert.deepEqual((await runModule(debug, { msg: 'deploying 1.2' })).result, { changed: false, msg: 'deploying 1.2' });
    assert.deepEqual((await runModule(debug, {})).result, { changed: false, msg: 'Hello world!' });
  });

  test('var shows the value under the variable\'s name', async () => {
    const { result } = await runModule(debug, { var: 'ports' }, { vars: { ports: [80, 443], '(ports) is defined': true } });
    assert.deepEqual(result, { changed: false, ports: [80, 443] });
  });

  test('an undefined var is reported, not a failure', async () => {
    const { result } = await runModule(debug, { var: 'nope' });
    assert.deepEqual(result, { changed: false, nope: 'VARIABLE IS NOT DEFINED!' });
  });

  test('verbosity above the run\'s -v count skips the task', async () => {
    const quiet = await runModule(debug, { msg: 'details', verbosity: 2 }, { vars: { ansible_verbosity: 1 } });
    assert.equal(quiet.result.skipped, true);
    assert.equal(quiet.result.msg, 'Verbosity threshold not met.');
    const loud = await runModule(debug, { msg: 'details', verbosity: 2 }, { vars: { ansible_verbosity: 2 } });
    assert.equal(loud.result.msg, 'details');
  });

  test('a list or mapping msg stays a list or mapping, as in Ansible', async () => {
    const { result } = await runModule(debug, { msg: ['a', { b: 1 }] });
    assert.deepEqual(result.msg, ['a', { b: 1 }]);
  });

  test('msg and var together, or an unknown argument, are refused', async () => {
    const both = await runModule(debug, { msg: 'x', var: 'y' });
    assert.equal(both.result.failed, true);
    assert.equal(both.result.msg, "'msg' and 'var' are incompatible options");
    await assert.rejects(runModule(debug, { mgs: 'x' }), /unsupported argument 'mgs' for module 'debug' \(did you mean 'msg'\?\)/);
  });
});
