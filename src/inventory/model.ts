/** One group: its own hosts and child groups in the order they were added, and the variables set on it. */
export interface GroupNode {
  readonly name: string;
  readonly hosts: string[];
  readonly children: string[];
  readonly parents: string[];
  readonly vars: Record<string, unknown>;
  /** ansible_group_priority: among groups of the same depth, a higher priority merges later and wins. */
  priority: number;
}

export interface HostNode {
  readonly name: string;
  readonly vars: Record<string, unknown>;
  /** The groups that list the host itself (not through a child group). */
  readonly groups: Set<string>;
}

/** Where a host was first seen: Ansible exposes it as inventory_file and inventory_dir. */
export interface HostOrigin {
  file: string | null;
  dir: string | null;
}

/** Hosts and groups with Ansible's InventoryData rules ('all' and 'ungrouped', no loops, one node per name). */
export class InventoryModel {
  readonly groups = new Map<string, GroupNode>();
  readonly hosts = new Map<string, HostNode>();
  private depths?: Map<string, number>;

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, { name, hosts: [], children: [], parents: [], vars: {}, priority: 1 });
  }

  /** Adds the host if new (the port and origin count only then), and puts it in the group. */
  addHost(name: string, group: string | undefined, port: number | undefined, origin: HostOrigin): void {
    if (!this.hosts.has(name)) {
      const vars: Record<string, unknown> = port === undefined ? {} : { ansible_port: port };
      vars.inventory_file = origin.file;
      vars.inventory_dir = origin.dir;
      this.hosts.set(name, { name, vars, groups: new Set() });
    }
    const host = this.hosts.get(name)!;
    if (group !== undefined && !host.groups.has(group)) {
      this.group(group).hosts.push(name);
      host.groups.add(group);
    }
  }

  addChild(parent: string, child: string): void {
    const parentNode = this.group(parent);
    const childNode = this.group(child);
    if (parent === child || this.ancestorsOf(parent).has(child)) {
      throw new Error(`Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`);
    }
    if (!parentNode.children.includes(child)) parentNode.children.push(child);
    if (!childNode.parents.includes(parent)) childNode.parents.push(parent);
    this.depths = undefined;
  }

  setGroupVar(group: string, key: string, value: unknown): void {
    const node = this.group(group);
    if (key !== 'ansible_group_priority') {
      node.vars[key] = value;
      return;
    }
    const priority = Number(value);
    if (value === null || value === '' || !Number.isFinite(priority)) throw new Error(`ansible_group_priority of group '${group}' must be a number, got ${JSON.stringify(value)}`);
    node.priority = Math.trunc(priority);
  }

  setHostVar(host: string, key: string, value: unknown): void {
    const node = this.hosts.get(host);
    if (!node) throw new Error(`Could not identify host named ${host}`);
    node.vars[key] = value;
  }

  /**
   * Ansible's reconcile step after all sources are read: top-level groups become children of 'all', hosts in no
   * group go to 'ungrouped', hosts with a real group leave it. Returns warnings.
   */
  reconcile(): string[] {
    for (const name of this.groups.keys()) {
      if (name !== 'all' && this.group(name).parents.length === 0) this.addChild('all', name);
    }
    const ungrouped = this.group('ungrouped');
    for (const host of this.hosts.values()) {
      const groups = this.groupsOf(host.name);
      if (host.groups.has('ungrouped') && groups.some((group) => group !== 'all' && group !== 'ungrouped')) {
        ungrouped.hosts.splice(ungrouped.hosts.indexOf(host.name), 1);
        host.groups.delete('ungrouped');
      } else if (groups.every((group) => group === 'all')) {
        ungrouped.hosts.push(host.name);
        host.groups.add('ungrouped');
      }
    }
    return [...this.hosts.keys()].filter((host) => this.groups.has(host)).map((name) => `Found both group and host with same name: ${name}`);
  }

  /**
   * A group's hosts, then those of its children, grandchildren ... level by level, each once. Ansible walks the
   * levels below the children in set order, which is arbitrary; this keeps declaration order instead.
   */
  hostsOf(group: string): string[] {
    if (!this.groups.has(group)) return [];
    const hosts = new Set<string>();
    const seen = new Set([group]);
    let level = [group];
    while (level.length > 0) {
      for (const name of level) for (const host of this.group(name).hosts) hosts.add(host);
      level = level.flatMap((name) => this.group(name).children).filter((child) => !seen.has(child) && seen.add(child));
    }
    return [...hosts];
  }

  /** Every group the host is in, directly or through descendants, sorted by name. */
  groupsOf(host: string): string[] {
    const groups = new Set<string>();
    for (const group of this.hosts.get(host)?.groups ?? []) {
      groups.add(group);
      for (const ancestor of this.ancestorsOf(group)) groups.add(ancestor);
    }
    return [...groups].sort();
  }

  /** The longest path from 'all' (0 for 'all', 1 for its children ...), which orders group variables. */
  depthOf(group: string): number {
    this.depths ??= new Map();
    let depth = this.depths.get(group);
    if (depth === undefined) {
      depth = Math.max(0, ...this.group(group).parents.map((parent) => this.depthOf(parent) + 1));
      this.depths.set(group, depth);
    }
    return depth;
  }

  private ancestorsOf(group: string): Set<string> {
    const ancestors = new Set<string>();
    const pending = [...this.group(group).parents];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (ancestors.has(name)) continue;
      ancestors.add(name);
      pending.push(...this.group(name).parents);
    }
    return ancestors;
  }

  private group(name: string): GroupNode {
    const node = this.groups.get(name);
    if (!node) throw new Error(`${name} is not a known group`);
    return node;
  }
}
