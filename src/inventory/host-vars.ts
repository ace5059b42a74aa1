import type { InventoryModel } from './model.js';
import type { Vars, VarsDir } from './vars-dirs.js';

/** Group variables merge by depth (parents first), then ansible_group_priority, then name: later ones win. */
export function sortGroups(model: InventoryModel, groups: readonly string[]): string[] {
  const key = (name: string) => [model.depthOf(name), model.groups.get(name)!.priority] as const;
  return [...groups].sort((a, b) => {
    const [depthA, priorityA] = key(a);
    const [depthB, priorityB] = key(b);
    return depthA - depthB || priorityA - priorityB || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * A host's variables in Ansible's default precedence, lowest first: the inventory files' vars of 'all' then of
 * the host's groups; group_vars/all beside the inventory sources then the playbook; group_vars/GROUP beside the
 * inventory sources then the playbook; the inventory files' host vars; host_vars/HOST beside the inventory sources
 * then the playbook. Each layer replaces whole top-level values (hash_behaviour=replace).
 */
export function mergeHostVars(
  model: InventoryModel,
  host: string,
  ownVars: Vars,
  inventoryDirs: readonly VarsDir[],
  playbookDir: VarsDir | undefined,
): Vars {
  const groups = sortGroups(model, model.groupsOf(host).filter((group) => group !== 'all'));
  const playbookDirs = playbookDir ? [playbookDir] : [];
  const groupLayer = (dirs: readonly VarsDir[], names: readonly string[]) => dirs.flatMap((dir) => names.map((name) => dir.group(name)));
  const layers: (Vars | undefined)[] = [
    model.groups.get('all')!.vars,
    ...groups.map((group) => model.groups.get(group)!.vars),
    ...groupLayer(inventoryDirs, ['all']),
    ...groupLayer(playbookDirs, ['all']),
    ...groupLayer(inventoryDirs, groups),
    ...groupLayer(playbookDirs, groups),
    ownVars,
    ...inventoryDirs.map((dir) => dir.host(host)),
    playbookDir?.host(host),
  ];
  return Object.assign({}, ...layers);
}
