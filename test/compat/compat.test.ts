import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from './harness/case.js';
import { explain, LANES, openSuite, type AnsibleSource, type Suite } from './harness/suite.js';

// COMPAT_ONLY=07,handlers runs just the cases whose folder names contain one of these.
const only = (process.env.COMPAT_ONLY ?? '').split(',').filter(Boolean);
// COMPAT_LIVE=1 runs ansible-playbook for every case instead of using its recorded outcome.
const useReference = process.env.COMPAT_LIVE !== '1';

describe('betif-play runs playbooks like ansible-playbook 2.14 (against its recorded or live outcome on the same lab hosts)', { concurrency: LANES }, () => {
  let suite: Suite;
  const sources: AnsibleSource[] = [];

  before(async () => {
    suite = await openSuite();
  });

  after(async () => {
    await suite?.close();
    const live = sources.filter((source) => source === 'live').length;
    console.log(`compat: ${sources.length - live} cases compared with ansible-playbook's recorded outcome (test/compat/reference/), ${live} with a live ansible-playbook.`);
  });

  for (const compatCase of loadCases(only)) {
    test(`${compatCase.name}: ${compatCase.spec.title}`, async () => {
      const result = await suite.run(compatCase, { useReference });
      sources.push(result.ansibleSource);
      assert.ok(result.verdict === 'agree' || result.verdict === 'differ', `${result.verdict} (ansible-playbook ${result.ansibleSource})\n${explain(result)}`);
    });
  }
});
