import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InventoryError, loadInventory } from '../../src/inventory/load.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));

// Every expectation below is what `ansible -i test/fixtures/inventory/ini-basic/hosts PATTERN --list-hosts`
// prints with Ansible 2.14.
describe('host patterns', async () => {
  const inventory = await loadInventory([join(FIXTURES, 'ini-basic', 'hosts')]);
  const web = ['web1', 'web2', 'web3', 'web-canary'];
  const db = ['db01', 'db03', 'db05', 'loner'];
  const cases: [string, string[]][] = [
    ['all', inventory.hostNames()],
    ['*', inventory.hostNames()],
    ['web1', ['web1']],
    ['web', web],
    ['prod', [...db, ...web]],
    ['ungrouped', ['bastion.example.com']],
    // Unions keep the order of the pattern, then inventory order within each part, without duplicates.
    ['web,db', [...web, ...db]],
    ['db:web', [...db, ...web]],
    ['web1,web1,web2', ['web1', 'web2']],
    ['web1:web', web],
    // Intersections and exclusions apply after all plain parts, wherever they are written.
    ['web:&prod', web],
    ['prod:&frontend:!web3', ['web1', 'web2', 'web-canary']],
    ['all:!db:!letters', ['bastion.example.com', ...web]],
    ['!web', ['bastion.example.com', 'node-a', 'node-b', 'node-c', ...db]],
    ['&web', web],
    ['prod:!web', db],
    // Globs match group names (giving their hosts) and host names; matching is case-sensitive.
    ['web*', web],
    ['*.example.com', ['bastion.example.com']],
    ['node-?', ['node-a', 'node-b', 'node-c']],
    ['node-[ab]', ['node-a', 'node-b']],
    ['node-[!a]', ['node-b', 'node-c']],
    ['NODE-A', []],
    // '~' starts a regular expression matched from the start of group and host names.
    ['~web', web],
    ['~(web|db)0?[13]$', ['web1', 'web3', 'db01', 'db03']],
    ['~^.*\\.com$', ['bastion.example.com']],
    // Subscripts pick from a part's hosts: [i], [-i], [start:end] inclusive, [start:], and the old [start-end].
    ['web[0]', ['web1']],
    ['prod[-2]', ['web3']],
    ['web[0:1]', ['web1', 'web2']],
    ['web[1:]', ['web2', 'web3', 'web-canary']],
    ['prod[2:4]', ['db05', 'loner', 'web1']],
    ['web[1-2]', ['web2', 'web3']],
    // A bare range is a subscript, not a range: db[01:03] is hosts 1 to 3 of db.
    ['db[01:03]', ['db03', 'db05', 'loner']],
    // Unknown names match nothing and do not stop the other parts.
    ['nosuch', []],
    ['web:nosuch', web],
  ];
  for (const [pattern, expected] of cases) {
    test(pattern, () => assert.deepEqual(inventory.select(pattern), expected));
  }

  test('localhost is implicit when the inventory lacks it, and outside all', () => {
    assert.deepEqual(inventory.select('web1:localhost'), ['web1', 'localhost']);
    assert.deepEqual(inventory.select('all:&localhost'), []);
    assert.equal(inventory.hostNames().includes('localhost'), false);
  });

  test('an invalid regular expression is an error', () => {
    assert.throws(() => inventory.select('~('), (error: unknown) => error instanceof InventoryError && /Invalid host list pattern: ~\(/.test(error.message));
  });

  test('a subscript past the end is an error', () => {
    assert.throws(() => inventory.select('web[4]'), /No hosts matched the subscripted pattern 'web\[4\]'/);
  });
});
