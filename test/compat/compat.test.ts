import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from './harness/case.js';
import { explain, LANES, openSuite, type Suite } from './harness/suite.js';

// COMPAT_ONLY=07,handlers runs just the cases whose folder names contain one of these.
const only = (process.env.COMPAT_ONLY ?? '').split(',').filter(Boolean);

describe('betif-play runs playbooks like ansible-playbook 2.14 (side by side on the same lab hosts)', { concurrency: LANES }, () => {
  let suite: Suite;

  before(async () => {
    suite = await openSuite();
  });

  after(async () => {
    await suite?.close();
  });

  for (const compatCase of loadCases(only)) {
    test(`${compatCase.name}: ${compatCase.spec.title}`, async () => {
      const result = await suite.run(compatCase);
      assert.ok(result.verdict === 'agree' || result.verdict === 'differ', `${result.verdict}\n${explain(result)}`);
    });
  }
});
