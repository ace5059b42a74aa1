import assert from 'node:assert/strict';
import { test } from 'node:test';
import { betifPlay } from '../helpers/cli.js';

test('betif-play doc FQCN prints the module as ansible-doc does', async () => {
  const run = await betifPlay(['doc', 'ansible.builtin.copy']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^> ANSIBLE\.BUILTIN\.COPY /);
  assert.match(run.stdout, /^= dest\n/m);
  assert.match(run.stdout, /^EXAMPLES:$/m);
  assert.match(run.stdout, /^RETURN VALUES:$/m);
});

test('betif-play doc --list lists every module with its FQCN', async () => {
  const run = await betifPlay(['doc', '--list']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ansible\.builtin\.lineinfile +\S/m);
  assert.match(run.stdout, /^kubernetes\.core\.helm +\S/m);
});

test('an unknown module is one warning line with the nearest name, and exit 0 as with ansible-doc', async () => {
  const run = await betifPlay(['doc', 'linefile']);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, '[WARNING]: module linefile not found, did you mean lineinfile?\n');
});

test('doc without a module name is a usage error (exit 5)', async () => {
  const run = await betifPlay(['doc']);
  assert.equal(run.code, 5);
  assert.match(run.stderr, /^ERROR! usage: betif-play doc /);
});

test('a module only Ansible has (ansible-core installed here) is named with its DOCUMENTATION summary and where to read more', async () => {
  const run = await betifPlay(['doc', 'ansible.builtin.git']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ansible\.builtin\.git is not a betif-play native module; tasks run Ansible's ansible\.builtin\.git \(\S+git\.py\): .+\. Its documentation: ansible-doc ansible\.builtin\.git\n$/);
});
