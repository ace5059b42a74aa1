/** A loaded inventory: hosts, groups, their variables, and host-pattern selection (Ansible 2.14 semantics). */
export interface Inventory {
  /** Every host, in the order `ansible all --list-hosts` prints them (the implicit localhost is never listed). */
  hostNames(): string[];
  /** Every group, 'all' and 'ungrouped' first, then in the order the sources declared them (like Ansible's `groups`). */
  groupNames(): string[];
  /**
   * Every group the host belongs to, directly or through a child group, sorted by name. It includes 'all', and
   * 'ungrouped' for hosts in no other group. Ansible's `group_names` is this list without 'all'.
   * Unknown hosts and the implicit localhost belong to no group.
   */
  groupsOf(host: string): string[];
  /** The hosts of a group and of all its descendants, in Ansible's order; [] for an unknown group. */
  hostsOf(group: string): string[];
  /**
   * The host's inventory variables merged in Ansible's precedence: inventory-file group vars, group_vars/ of the
   * inventory then of the playbook, inventory-file host vars, host_vars/ of the inventory then of the playbook.
   * It includes inventory_file and inventory_dir, not the magic variables (inventory_hostname, group_names, groups).
   * Returns a fresh copy on every call; {} for an unknown host.
   */
  hostVars(host: string): Record<string, unknown>;
  /**
   * Hosts matching an Ansible host pattern ('all', 'web:&prod:!web3', '~regex', 'web*', 'web[0:2]' ...), without
   * duplicates, in Ansible's order. Names that match nothing give nothing; 'localhost' gives the implicit localhost
   * when the inventory has none. Throws InventoryError for an invalid regex or an out-of-range subscript.
   */
  select(pattern: string): string[];
  /** The parts of a host pattern that name no group and no host (Ansible warns about each one). */
  unmatched(pattern: string): string[];
  /** For a host of the whole inventory that this one leaves out (a --slice run): why, for the message of a play that reaches for it. */
  outsideReason?(host: string): string | undefined;
  /** add_host: adds the host (or updates it) in these groups with these variables while the run goes on; true when that changed the inventory. */
  addHost(name: string, groups: readonly string[], vars: Record<string, unknown>): boolean;
  /** group_by: puts the host in the group, made a child of each parent (all made if new); true when that changed the inventory. */
  addToGroup(host: string, group: string, parents: readonly string[]): boolean;
  /**
   * meta: refresh_inventory: reads the sources (and the group_vars/ and host_vars/ beside them) again, then makes once
   * more what add_host and group_by made, as Ansible keeps its dynamic hosts and groups.
   */
  refresh(): Promise<void>;
  /** Counts the changes add_host, group_by and refresh made: what is worked out from the inventory is worked out again when it moves. */
  readonly revision: number;
  /** Non-fatal problems Ansible also only warns about (unreadable source path, skipped YAML keys ...). */
  readonly warnings: readonly string[];
}

export interface LoadOptions {
  /** The playbook's folder: its group_vars/ and host_vars/ override the inventory's. */
  playbookDir?: string;
}
