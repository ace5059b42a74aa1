import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { InventoryError, loadInventory } from '../../src/inventory/load.js';

function layout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'betif-inventory-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Loads one malformed file and returns the InventoryError it must raise. */
async function errorFor(name: string, text: string): Promise<InventoryError> {
  const root = layout({ [name]: text });
  try {
    await loadInventory([join(root, name)]);
  } catch (error) {
    assert.ok(error instanceof InventoryError, `expected an InventoryError, got ${String(error)}`);
    assert.equal(error.file, join(root, name));
    assert.ok(error.message.startsWith(`${join(root, name)}:${error.line}: `), error.message);
    return error;
  }
  return assert.fail(`${name} loaded without error`);
}

describe('malformed INI inventories fail with FILE:LINE and Ansible\'s message', () => {
  const cases: [string, string, number, RegExp][] = [
    ['unknown section type', '[web]\nw1\n[web:bogus]\n', 3, /Section \[web:bogus\] has unknown type: bogus/],
    ['spaces in a section', '[web]\nw1\n[web servers]\n', 3, /Invalid section entry: '\[web servers\]'/],
    ['a word that is not key=value', '[web]\nw1 novalue\n', 2, /Expected key=value host variable assignment, got: novalue/],
    ['an unclosed quote', '[web]\nw1 motd="hello\n', 2, /Error parsing host definition .*No closing quotation/],
    ['vars of an undeclared group', '[web:vars]\nx=1\n', 1, /Section \[web:vars\] not valid for undefined group: web/],
    ['children never declared', '[prod:children]\nweb\n', 2, /Section \[prod:children\] includes undefined group: web/],
    ['a vars line without "="', '[web]\nw1\n[web:vars]\nnoequals\n', 4, /Expected key=value, got: noequals/],
    ['a host ending in ":"', '[web]\nw1:\n', 2, /ending in ':' is not allowed/],
    ['a bad range', '[web]\ndb[1:x]\n', 2, /Invalid host pattern 'db\[1:x\]'/],
    ['uneven zero padding', '[web]\nweb[01:9]\n', 2, /equal-length begin and end/],
    ['a group loop', '[a:children]\nb\n[b:children]\na\n', 4, /creates a recursive dependency loop/],
  ];
  for (const [title, text, line, message] of cases) {
    test(title, async () => {
      const error = await errorFor('hosts', text);
      assert.equal(error.line, line);
      assert.match(error.message, message);
    });
  }
});

describe('malformed YAML inventories fail with FILE:LINE', () => {
  const cases: [string, string, string, number, RegExp][] = [
    ['a YAML syntax error', 'hosts.yml', 'all:\n  hosts:\n    h1:\n   bad: indent\n', 3, /YAML syntax error: .*\(column \d+\)/],
    ['a syntax error in an extension-less YAML file', 'inventory', 'all:\n  hosts:\n    h1:\n   bad: indent\n', 3, /YAML syntax error/],
    ['hosts given as a list', 'hosts.yml', 'all:\n  children:\n    web:\n      hosts: [a, b]\n', 4, /Invalid "hosts" entry for "web" group, requires a dictionary, found a list/],
    ['a number as host name', 'hosts.yml', 'all:\n  hosts:\n    10:\n', 3, /Host pattern 10 must be a string/],
    ['host vars that are not a mapping', 'hosts.yml', 'all:\n  hosts:\n    w1: just-text\n', 3, /Variables of host 'w1' must be a mapping/],
    ['a list at the top', 'hosts.yml', '- a\n- b\n', 1, /it should be a dictionary, got: a list/],
    ['an inventory plugin config', 'aws.yml', 'plugin: aws_ec2\n', 1, /plugin: aws_ec2\) are not supported/],
  ];
  for (const [title, name, text, line, message] of cases) {
    test(title, async () => {
      const error = await errorFor(name, text);
      assert.equal(error.line, line);
      assert.match(error.message, message);
    });
  }
});

describe('malformed vars files', () => {
  test('a group_vars file with a YAML error names the file and line', async () => {
    const root = layout({ 'hosts': '[web]\nw1\n', 'group_vars/web.yml': 'a: 1\nb: [unclosed\n' });
    await assert.rejects(loadInventory([join(root, 'hosts')]), (error: unknown) => {
      assert.ok(error instanceof InventoryError);
      assert.equal(error.file, join(root, 'group_vars', 'web.yml'));
      assert.match(error.message, /^.*group_vars\/web\.yml:\d+: YAML syntax error/);
      return true;
    });
  });

  test('a host_vars file that is a list is refused', async () => {
    const root = layout({ 'hosts': 'w1\n', 'host_vars/w1.yml': '- a\n' });
    await assert.rejects(loadInventory([join(root, 'hosts')]), /host_vars\/w1\.yml:1: a vars file must hold a mapping/);
  });
});
