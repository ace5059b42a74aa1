import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import setFact from '../../src/modules/controller/set_fact.js';
import { runModule } from '../helpers/module-harness.js';

describe('set_fact', () => {
  test('returns the facts as ansible_facts, unchanged', async () => {
    const { result } = await runModule(setFact, { release: '1.4', replicas: 3, tags: ['a'] });
    assert.deepEqual(result, { changed: false, ansible_facts: { release: '1.4', replicas: 3, tags: ['a'] } });
    assert.equal(setFact.setsHostVars, true);
  });

  test('cacheable is an option, not a fact', async () => {
    const { result } = await runModule(setFact, { release: '1.4', cacheable: 'yes' });
    assert.deepEqual(result.ansible_facts, { release: '1.4' });
    assert.equal(result._ansible_facts_cacheable, true);
  });

  test('no facts, or a name that is not a variable name, is refused', async () => {
    const none = await runModule(setFact, {});
    assert.equal(none.result.failed, true);
    assert.equal(none.result.msg, 'No key/value pairs provided, at least one is required for this action to succeed');
    const bad = await runModule(setFact, { 'my-var': 1 });
    assert.equal(bad.result.failed, true);
    assert.match(String(bad.result.msg), /^The variable name 'my-var' is not valid\./);
  });
});
