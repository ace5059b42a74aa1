import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFactOutput } from '../../src/facts/script.js';
import { selinuxFacts } from '../../src/facts/selinux.js';

function inputs(files: Record<string, string>): ReturnType<typeof parseFactOutput> {
  const lines = Object.entries(files).flatMap(([path, text]) => text.split('\n').filter(Boolean).map((line) => `${path}:${line}`));
  return parseFactOutput(`\n@@betif-facts files\n${lines.join('\n')}\n@@betif-facts end\n`);
}

test('selinux is disabled where the kernel shows no selinuxfs', () => {
  assert.deepEqual(selinuxFacts(inputs({ '/etc/selinux/config': 'SELINUX=enforcing\n' })), { status: 'disabled' });
});

test('an enforcing host reports its mode, configured mode, policy type and version as Ansible does', () => {
  const facts = selinuxFacts(inputs({
    '/sys/fs/selinux/enforce': '1',
    '/sys/fs/selinux/policyvers': '33',
    '/etc/selinux/config': '# comment\nSELINUX=permissive\nSELINUXTYPE=targeted\n',
  }));
  assert.deepEqual(facts, { status: 'enabled', policyvers: 33, config_mode: 'permissive', mode: 'enforcing', type: 'targeted' });
});
