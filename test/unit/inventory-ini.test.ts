import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/inventory/load.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));

/** Writes one inventory file in a fresh folder and loads it. */
async function loadText(text: string, name = 'hosts') {
  const file = join(mkdtempSync(join(tmpdir(), 'betif-inventory-')), name);
  writeFileSync(file, text);
  return loadInventory([file]);
}

describe('INI inventory (checked against ansible-inventory 2.14)', async () => {
  const inventory = await loadInventory([join(FIXTURES, 'ini-basic', 'hosts')]);

  test('lists hosts in the order `ansible all --list-hosts` does: level by level down the group tree', () => {
    assert.deepEqual(inventory.hostNames(), [
      'bastion.example.com',
      'node-a', 'node-b', 'node-c',
      'db01', 'db03', 'db05', 'loner',
      'web1', 'web2', 'web3', 'web-canary',
    ]);
  });

  test('declares groups in file order after all and ungrouped, children declared later included', () => {
    assert.deepEqual(inventory.groupNames(), ['all', 'ungrouped', 'web', 'db', 'letters', 'prod', 'frontend']);
    assert.deepEqual(inventory.hostsOf('prod'), ['db01', 'db03', 'db05', 'loner', 'web1', 'web2', 'web3', 'web-canary']);
    assert.deepEqual(inventory.hostsOf('frontend'), ['web1', 'web2', 'web3', 'web-canary']);
    assert.deepEqual(inventory.hostsOf('nosuch'), []);
  });

  test('a host listed before any section is ungrouped unless a group also lists it', () => {
    assert.deepEqual(inventory.hostsOf('ungrouped'), ['bastion.example.com']);
    assert.deepEqual(inventory.groupsOf('bastion.example.com'), ['all', 'ungrouped']);
    assert.deepEqual(inventory.groupsOf('loner'), ['all', 'db', 'prod']);
  });

  test('groupsOf includes ancestor groups, sorted', () => {
    assert.deepEqual(inventory.groupsOf('web2'), ['all', 'frontend', 'prod', 'web']);
    assert.deepEqual(inventory.groupsOf('nosuch'), []);
  });

  test('expands numeric, zero-padded, stepped and letter ranges', () => {
    assert.deepEqual(inventory.hostsOf('web').slice(0, 3), ['web1', 'web2', 'web3']);
    assert.deepEqual(inventory.hostsOf('db'), ['db01', 'db03', 'db05', 'loner']);
    assert.deepEqual(inventory.hostsOf('letters'), ['node-a', 'node-b', 'node-c']);
  });

  test('types inline host values like Python literals; quotes group words; "#" starts a comment', () => {
    const vars = inventory.hostVars('web1');
    assert.equal(vars.http_port, 8080);
    assert.equal(vars.enabled, true);
    assert.equal(vars.ratio, 1.5);
    assert.equal(vars.motd, 'hello world');
    assert.equal(vars.mode, '0644');
    assert.deepEqual(vars.tags, ['a', 'b']);
    assert.equal(vars.empty, '');
    assert.equal(inventory.hostVars('web-canary').ansible_user, 'deploy');
  });

  test('host:port sets ansible_port as a number', () => {
    assert.equal(inventory.hostVars('web-canary').ansible_port, 2222);
    assert.equal(inventory.hostVars('web-canary').ansible_host, '10.0.0.50');
    assert.equal(inventory.hostVars('bastion.example.com').ansible_port, 2200);
  });

  test('[group:vars] values are typed too; the rest of the line after "=" is the value', () => {
    const vars = inventory.hostVars('web2');
    assert.equal(vars.retries, 3);
    assert.equal(vars.debug, false);
    assert.equal(vars.greeting, 'hi there');
    assert.equal(vars.nothing, null);
    assert.deepEqual(vars.listing, [1, 2, 3]);
    assert.equal(vars.proxy, 'http://proxy.example.com:3128');
  });

  test('inline host vars beat [group:vars]; [all:vars] reaches every host', () => {
    assert.equal(inventory.hostVars('web1').http_port, 8080);
    assert.equal(inventory.hostVars('web-canary').http_port, 80);
    assert.equal(inventory.hostVars('node-b').ntp_server, 'ntp.example.com');
  });

  test('records where each host was defined as inventory_file and inventory_dir', () => {
    const vars = inventory.hostVars('db01');
    assert.equal(vars.inventory_file, join(FIXTURES, 'ini-basic', 'hosts'));
    assert.equal(vars.inventory_dir, join(FIXTURES, 'ini-basic'));
  });

  test('hostVars returns a copy the caller may change', () => {
    (inventory.hostVars('web1').tags as string[]).push('mutated');
    assert.deepEqual(inventory.hostVars('web1').tags, ['a', 'b']);
    assert.deepEqual(inventory.hostVars('nosuch'), {});
  });
});

describe('INI value typing', () => {
  test('follows Python literal rules: numbers, True/False/None, quoted text, lists, dicts, and text otherwise', async () => {
    const inventory = await loadText(
      String.raw`h int=42 neg=-7 hex=0x1F octal=0o17 under=1_000 float=2.5 exp=1e3 yes=yes true=true True=True ` +
        String.raw`none=None quoted="'0644'" dict="{'a': [1, (2, 3)], 'b': None}" ip=10.0.0.1 path=/etc/x ` +
        String.raw`words="a b" escaped="'tab\\there'" big=123456789012345678901 expr=1+2` + '\n',
    );
    assert.deepEqual(inventory.hostVars('h'), {
      inventory_file: inventory.hostVars('h').inventory_file,
      inventory_dir: inventory.hostVars('h').inventory_dir,
      int: 42, neg: -7, hex: 31, octal: 15, under: 1000, float: 2.5, exp: 1000, yes: 'yes', true: 'true', True: true,
      none: null, quoted: '0644', dict: { a: [1, [2, 3]], b: null }, ip: '10.0.0.1', path: '/etc/x',
      words: 'a b', escaped: 'tab\there', big: '123456789012345678901', expr: '1+2',
    });
  });

  test('a [group:vars] line keeps spaces, quotes and ";" after the "=", minus Python comments in literals', async () => {
    const inventory = await loadText('[g]\nh\n[g:vars]\nmsg = hello there ; not a comment\nn = 5 # a comment\nq = "x y"\n');
    assert.equal(inventory.hostVars('h').msg, 'hello there ; not a comment');
    assert.equal(inventory.hostVars('h').n, 5);
    assert.equal(inventory.hostVars('h').q, 'x y');
  });

  test('ansible_group_priority is not a variable', async () => {
    const inventory = await loadText('[g]\nh\n[g:vars]\nansible_group_priority=5\n');
    assert.equal('ansible_group_priority' in inventory.hostVars('h'), false);
  });
});

describe('INI ranges and host entries', () => {
  test('multiple ranges multiply, and a stride skips', async () => {
    const inventory = await loadText('[g]\nr[1:2]-[a:b]\ns[0:10:5]\n');
    assert.deepEqual(inventory.hostsOf('g'), ['r1-a', 'r1-b', 'r2-a', 'r2-b', 's0', 's5', 's10']);
  });

  test('the first definition of a host decides its port; later sections only add groups and vars', async () => {
    const inventory = await loadText('[a]\nh:2201 x=1\n[b]\nh:2202 x=2\n');
    assert.equal(inventory.hostVars('h').ansible_port, 2201);
    assert.equal(inventory.hostVars('h').x, 2);
    assert.deepEqual(inventory.groupsOf('h'), ['a', 'all', 'b']);
  });

  test('IPv6 addresses need brackets for a port', async () => {
    const inventory = await loadText('[v6]\n[fe80::1]:2222\nfe80::2\n');
    assert.deepEqual(inventory.hostsOf('v6'), ['fe80::1', 'fe80::2']);
    assert.equal(inventory.hostVars('fe80::1').ansible_port, 2222);
  });

  test('an empty file is an empty inventory', async () => {
    const inventory = await loadText('# nothing yet\n');
    assert.deepEqual(inventory.hostNames(), []);
    assert.deepEqual(inventory.groupNames(), ['all', 'ungrouped']);
  });
});
