import { InventoryModel } from '../inventory/model.js';
import { selectHosts } from '../inventory/patterns.js';
import type { Lookup } from './lookup-types.js';
import { pythonStr } from './python-repr.js';
import { isDict } from './python-types.js';
import { currentScope } from './scope.js';

/**
 * inventory_hostnames: the hosts the terms (host patterns) select. As Ansible's plugin, from the `groups` variable:
 * each group as it lists its hosts, without nesting; a pattern Ansible cannot read selects none.
 */
export const inventoryHostnames: Lookup = (terms) => {
  const groups = currentScope().resolve('groups');
  if (!isDict(groups)) return [];
  const model = new InventoryModel();
  for (const [group, hosts] of Object.entries(groups)) {
    model.addGroup(group);
    for (const host of Array.isArray(hosts) ? hosts : []) model.addHost(pythonStr(host), group, undefined, { file: null, dir: null });
  }
  try {
    return selectHosts(model, terms.map(pythonStr).join(','), (name) => name);
  } catch {
    return [];
  }
};
