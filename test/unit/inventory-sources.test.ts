import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/inventory/load.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));

function layout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'betif-inventory-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('an inventory folder (checked with ansible-inventory --graph)', async () => {
  const folder = join(FIXTURES, 'folder');
  const inventory = await loadInventory([folder]);

  test('reads its files in name order, sub-folders too, whatever their format', () => {
    assert.deepEqual(inventory.hostNames(), ['web1', 'web2', 'db1', 'cache1']);
    assert.equal(inventory.hostVars('db1').engine, 'postgres');
  });

  test('skips hidden entries and the extensions Ansible ignores (.ini .cfg .md .txt .retry ...)', () => {
    assert.deepEqual(inventory.groupNames(), ['all', 'ungrouped', 'web', 'db', 'cache']);
  });

  test('uses the group_vars beside the folder itself, not those of its sub-folders', () => {
    assert.equal(inventory.hostVars('cache1').region, 'eu-west');
    assert.equal(inventory.hostVars('cache1').inventory_file, join(folder, 'sub', 'more'));
  });
});

describe('comma-separated host lists', () => {
  test('"h1,h2:2200," lists ungrouped hosts with optional ports', async () => {
    const inventory = await loadInventory(['h1,h2:2200,']);
    assert.deepEqual(inventory.hostNames(), ['h1', 'h2']);
    assert.deepEqual(inventory.hostsOf('ungrouped'), ['h1', 'h2']);
    assert.equal(inventory.hostVars('h2').ansible_port, 2200);
    assert.equal(inventory.hostVars('h1').inventory_file, 'h1,h2:2200,');
    assert.equal(inventory.hostVars('h1').inventory_dir, null);
  });

  test('a single host needs the trailing comma; spaces and empty entries are ignored', async () => {
    assert.deepEqual((await loadInventory(['solo,'])).hostNames(), ['solo']);
    assert.deepEqual((await loadInventory([' a , b ,,'])).hostNames(), ['a', 'b']);
  });

  test('IPv6 entries keep their colons; [addr]:port gives a port', async () => {
    const inventory = await loadInventory(['[::1]:2222,fe80::1,']);
    assert.deepEqual(inventory.hostNames(), ['::1', 'fe80::1']);
    assert.equal(inventory.hostVars('::1').ansible_port, 2222);
  });
});

describe('several sources', () => {
  test('merge in order: hosts add up, later values override, a host known earlier is not re-added by a list', async () => {
    const root = layout({ 'a.ini': '[web]\nw1 tier=1\n', 'b.yml': 'web:\n  hosts:\n    w1:\n      tier: 2\n    w2:\n' });
    const inventory = await loadInventory([join(root, 'a.ini'), join(root, 'b.yml'), 'w1,x1,']);
    assert.deepEqual(inventory.hostNames(), ['x1', 'w1', 'w2']);
    assert.equal(inventory.hostVars('w1').tier, 2);
    assert.deepEqual(inventory.groupsOf('w1'), ['all', 'web']);
  });

  test('an INI file may use groups an earlier source declared', async () => {
    const root = layout({ 'a.ini': '[web]\nw1\n', 'b.ini': '[prod:children]\nweb\n[web:vars]\nx=1\n' });
    const inventory = await loadInventory([join(root, 'a.ini'), join(root, 'b.ini')]);
    assert.deepEqual(inventory.hostsOf('prod'), ['w1']);
    assert.equal(inventory.hostVars('w1').x, 1);
  });

  test('a missing path only warns, as in Ansible, and leaves the other sources working', async () => {
    const root = layout({ 'hosts': 'h1\n' });
    const inventory = await loadInventory([join(root, 'nope'), join(root, 'hosts')]);
    assert.deepEqual(inventory.hostNames(), ['h1']);
    assert.deepEqual(inventory.warnings, [`Unable to parse ${join(root, 'nope')} as an inventory source`]);
  });

  test('no usable source leaves only the implicit localhost', async () => {
    const inventory = await loadInventory([join(tmpdir(), 'betif-no-such-inventory')]);
    assert.deepEqual(inventory.hostNames(), []);
    assert.deepEqual(inventory.select('localhost'), ['localhost']);
    assert.match(inventory.warnings.join('\n'), /No inventory was parsed, only implicit localhost is available/);
  });

  test('a file named .yml that holds INI is still read, as Ansible falls back to its ini plugin', async () => {
    const root = layout({ 'hosts.yml': '[web]\nw1\n' });
    assert.deepEqual((await loadInventory([join(root, 'hosts.yml')])).hostsOf('web'), ['w1']);
  });
});
