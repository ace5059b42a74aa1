import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/inventory/load.js';
import { controllerPython } from '../../src/python/controller-python.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));

/** Lays out files (path -> text) in a fresh folder and returns it. */
function layout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'betif-inventory-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('variable precedence (checked with ansible-playbook 2.14 on the same fixture)', async () => {
  const root = join(FIXTURES, 'precedence');
  const inventory = await loadInventory([join(root, 'inventory', 'hosts')], { playbookDir: join(root, 'playbook') });
  const vars = inventory.hostVars('app1');

  test('merges the twelve layers lowest first, as Ansible does', () => {
    // Layer N sets v<N> and every higher v, so v<N> names the layer ranked N.
    const winners = Array.from({ length: 12 }, (_, i) => vars[`v${i + 1}`]);
    assert.deepEqual(winners, [
      'ini-all', // [all:vars] in the inventory file
      'ini-parent', // [parent:vars]: a parent group beats all
      'ini-child', // [child:vars]: a child group beats its parent
      'inv-gv-all', // inventory/group_vars/all.yml
      'pb-gv-all', // playbook/group_vars/all.yaml
      'inv-gv-parent', // inventory/group_vars/parent.yml
      'inv-gv-child', // inventory/group_vars/child/ (a folder)
      'pb-gv-parent', // playbook/group_vars/parent.json: every inventory group_vars file loses to the playbook's
      'pb-gv-child', // playbook/group_vars/child.yml
      'ini-host', // inline host vars in the inventory file
      'inv-hv', // inventory/host_vars/app1 (no extension)
      'pb-hv', // playbook/host_vars/app1.yml
    ]);
  });

  test('a group_vars folder merges its YAML files in name order, skipping hidden and non-YAML files', () => {
    assert.equal(vars.merged_from, 'second');
    assert.equal(vars.only_in_first, true);
  });

  test('host_vars/NAME without extension shadows NAME.yml', () => {
    assert.equal('shadowed' in vars, false);
  });

  test('without playbookDir only the inventory folders count', async () => {
    const inventoryOnly = await loadInventory([join(root, 'inventory', 'hosts')]);
    assert.equal(inventoryOnly.hostVars('app1').v12, 'inv-hv');
    assert.equal(inventoryOnly.hostVars('app1').v5, 'inv-gv-all');
  });
});

describe('group order for group variables (checked with ansible -m debug)', async () => {
  const inventory = await loadInventory([join(FIXTURES, 'priority', 'hosts.yml')]);

  test('deeper groups win; at equal depth a higher ansible_group_priority wins over the name order', () => {
    assert.equal(inventory.hostVars('h1').owner, 'alpha');
    assert.equal(inventory.hostVars('h1').level, 'gamma');
  });

  test('at equal depth and priority the later name in alphabetical order wins', () => {
    assert.equal(inventory.hostVars('h2').owner, 'epsilon');
    assert.equal(inventory.hostVars('h2').level, 'gamma');
  });
});

describe('group_vars and host_vars folders', () => {
  test('group_vars/all and group_vars/GROUP apply beside the inventory file; host_vars beat both', async () => {
    const root = layout({
      'hosts': '[web]\nw1\nw2\n',
      'group_vars/all': 'role: generic\ncolor: grey\n',
      'group_vars/web.yaml': 'role: web\n',
      'host_vars/w2.json': '{"color": "blue"}',
    });
    const inventory = await loadInventory([join(root, 'hosts')]);
    assert.deepEqual([inventory.hostVars('w1').role, inventory.hostVars('w1').color], ['web', 'grey']);
    assert.equal(inventory.hostVars('w2').color, 'blue');
  });

  test('group_vars/ungrouped applies to ungrouped hosts', async () => {
    const root = layout({ 'hosts': 'solo\n', 'group_vars/ungrouped.yml': 'lonely: true\n' });
    const inventory = await loadInventory([join(root, 'hosts')]);
    assert.equal(inventory.hostVars('solo').lonely, true);
  });

  test('an empty vars file adds nothing', async () => {
    const root = layout({ 'hosts': '[web]\nw1\n', 'group_vars/web.yml': '# nothing\n' });
    const inventory = await loadInventory([join(root, 'hosts')]);
    assert.equal(inventory.hostVars('w1').inventory_file, join(root, 'hosts'));
  });

  test('values in vars files replace whole dictionaries, they do not merge them', async () => {
    const root = layout({
      'hosts': '[web]\nw1\n',
      'group_vars/all.yml': 'users: {alice: admin, bob: dev}\n',
      'group_vars/web.yml': 'users: {carol: ops}\n',
    });
    const inventory = await loadInventory([join(root, 'hosts')]);
    assert.deepEqual(inventory.hostVars('w1').users, { carol: 'ops' });
  });

  test('with several sources, each source folder applies all its groups in turn: a later top group beats an earlier leaf', async () => {
    const root = join(FIXTURES, 'multi');
    const inventory = await loadInventory([join(root, 'first', 'hosts'), join(root, 'second', 'hosts.yml')]);
    const vars = inventory.hostVars('shared1');
    assert.equal(vars.where, 'second/group_vars/top');
    assert.equal(vars.leaf_first, true);
    assert.equal(vars.origin, 'second');
    assert.equal(vars.from_second_file, true);
    assert.equal(vars.inventory_file, join(root, 'first', 'hosts'));
    assert.deepEqual(inventory.hostsOf('leaf'), ['shared1', 'only-first', 'only-second']);
  });
});

describe('implicit localhost', () => {
  test("is selected by name when the inventory lacks it, runs locally with the controller's python, gets all's vars, and is not in all", async () => {
    const root = layout({
      'hosts': '[web]\nw1\n[all:vars]\nsite=lab\n',
      'group_vars/all.yml': 'dns: 10.0.0.53\n',
      'host_vars/localhost.yml': 'local_only: true\n',
    });
    const inventory = await loadInventory([join(root, 'hosts')]);
    assert.deepEqual(inventory.select('localhost'), ['localhost']);
    assert.deepEqual(inventory.hostVars('localhost'), { ansible_connection: 'local', ansible_python_interpreter: controllerPython(), site: 'lab', dns: '10.0.0.53', local_only: true });
    assert.deepEqual(inventory.select('all'), ['w1']);
    assert.deepEqual(inventory.hostNames(), ['w1']);
    assert.deepEqual(inventory.groupsOf('localhost'), []);
  });

  test('an inventory localhost is an ordinary host', async () => {
    const root = layout({ 'hosts': '[local]\nlocalhost ansible_connection=local answer=42\n' });
    const inventory = await loadInventory([join(root, 'hosts')]);
    assert.deepEqual(inventory.select('all'), ['localhost']);
    assert.equal(inventory.hostVars('localhost').answer, 42);
    assert.deepEqual(inventory.groupsOf('localhost'), ['all', 'local']);
  });
});
