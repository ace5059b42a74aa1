import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/inventory/load.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));

async function loadText(text: string, name = 'hosts.yml') {
  const file = join(mkdtempSync(join(tmpdir(), 'betif-inventory-')), name);
  writeFileSync(file, text);
  return loadInventory([file]);
}

describe('YAML inventory (checked against ansible-inventory 2.14)', async () => {
  const inventory = await loadInventory([join(FIXTURES, 'yaml-basic', 'hosts.yml')]);

  test("lists all's own hosts first, then each level of the group tree", () => {
    assert.deepEqual(inventory.hostNames(), [
      'loner',
      'web1', 'web2', 'web3', 'web-canary',
      'node-a', 'node-b', 'node-c',
      'db01', 'db03', 'db05',
    ]);
  });

  test('nested children make a tree; a group named twice is one group', () => {
    assert.deepEqual(inventory.groupNames(), ['all', 'ungrouped', 'web', 'prod', 'frontend', 'db', 'letters']);
    assert.deepEqual(inventory.hostsOf('prod'), ['db01', 'db03', 'db05', 'loner', 'web1', 'web2', 'web3', 'web-canary']);
    assert.deepEqual(inventory.groupsOf('web3'), ['all', 'frontend', 'prod', 'web']);
  });

  test("a host of 'all' that is also in a group is not ungrouped", () => {
    assert.deepEqual(inventory.hostsOf('ungrouped'), []);
    assert.deepEqual(inventory.groupsOf('loner'), ['all', 'db', 'prod']);
  });

  test('host keys take ranges and :port; hosts may be a single name', () => {
    assert.deepEqual(inventory.hostsOf('db'), ['db01', 'db03', 'db05', 'loner']);
    assert.equal(inventory.hostVars('web-canary').ansible_port, 2222);
    assert.deepEqual(inventory.hostsOf('letters'), ['node-a', 'node-b', 'node-c']);
  });

  test('values are YAML 1.1 as PyYAML reads them: yes is true, 0644 is octal, 09 and dates stay text', () => {
    const vars = inventory.hostVars('web2');
    assert.equal(vars.enabled, true);
    assert.equal(vars.mode, 420);
    assert.equal(vars.zip, '0644');
    assert.equal(vars.plain_number, '09');
    assert.equal(vars.when, '2024-01-02');
    assert.deepEqual(vars.listing, [1, 2, 3]);
    assert.equal(vars.http_port, 8080);
    assert.equal(vars.ntp_server, 'ntp.example.com');
  });

  test('a host with null vars has only inherited ones', () => {
    const { inventory_file: _file, inventory_dir: _dir, ...vars } = inventory.hostVars('db03');
    assert.deepEqual(vars, { ntp_server: 'ntp.example.com' });
  });
});

describe('YAML inventory details', () => {
  test("a host only under all: hosts is also 'ungrouped'", async () => {
    const inventory = await loadText('all:\n  hosts:\n    solo:\n');
    assert.deepEqual(inventory.hostsOf('ungrouped'), ['solo']);
    assert.deepEqual(inventory.groupsOf('solo'), ['all', 'ungrouped']);
  });

  test('top-level keys other than all are groups too', async () => {
    const inventory = await loadText('web:\n  hosts:\n    w1:\ndb:\n  hosts: d1\n');
    assert.deepEqual(inventory.hostNames(), ['w1', 'd1']);
    assert.deepEqual(inventory.groupNames(), ['all', 'ungrouped', 'web', 'db']);
  });

  test('nested vars are kept whole, YAML anchors and merge keys resolved', async () => {
    const inventory = await loadText(
      'all:\n  vars:\n    base: &base {user: app, shell: /bin/sh}\n    app: {<<: *base, shell: /bin/bash}\n  hosts:\n    h:\n',
    );
    assert.deepEqual(inventory.hostVars('h').app, { user: 'app', shell: '/bin/bash' });
  });

  test('unknown keys in a group are skipped with a warning, as Ansible does', async () => {
    const inventory = await loadText('all:\n  children:\n    web:\n      host:\n        w1:\n');
    assert.deepEqual(inventory.hostNames(), []);
    assert.match(inventory.warnings.join('\n'), /hosts.yml:4: Skipping unexpected key \(host\) in group \(web\)/);
  });

  test('PyYAML quirks: y and n are text, and only exponents with a dot and a sign are numbers', async () => {
    const inventory = await loadText('all:\n  hosts:\n    h:\n      y: n\n      n: 1.5e3\n      exp: 1e3\n      signed: 1.5e+3\n');
    const { y, n, exp, signed } = inventory.hostVars('h');
    assert.deepEqual([y, n, exp, signed], ['n', '1.5e3', '1e3', 1500]);
  });

  test('a JSON file is read as YAML', async () => {
    const inventory = await loadText('{"all": {"hosts": {"j1": {"port_list": [1, 2]}}}}', 'hosts.json');
    assert.deepEqual(inventory.hostVars('j1').port_list, [1, 2]);
  });

  test('an extension-less file holding YAML is read as YAML', async () => {
    const inventory = await loadText('all:\n  hosts:\n    y1:\n      answer: 42\n', 'inventory');
    assert.equal(inventory.hostVars('y1').answer, 42);
  });
});
