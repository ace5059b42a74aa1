/**
 * Ansible 2.14's gather_subset: which fact collectors run. "min" is always added first, "all" adds
 * every collector, "!name" removes one (unless also named), and a collector pulls in the ones it needs.
 */

export const MINIMAL_COLLECTORS: ReadonlySet<string> = new Set([
  'apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local',
  'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user',
]);

/** Every collector of ansible-core 2.14 on Linux, with the fact ids Ansible accepts as their aliases. */
const COLLECTOR_ALIASES: Record<string, string[]> = {
  apparmor: [], caps: ['system_capabilities', 'system_capabilities_enforced'], chroot: ['is_chroot'], cmdline: [],
  date_time: [], distribution: ['distribution_major_version', 'distribution_release', 'distribution_version', 'os_family'],
  dns: [], env: [], facter: [], fibre_channel_wwn: [], fips: [], hardware: ['devices', 'mounts', 'processor', 'processor_cores', 'processor_count'],
  iscsi: [], loadavg: [], local: [], lsb: [], network: ['all_ipv4_addresses', 'all_ipv6_addresses', 'default_ipv4', 'default_ipv6', 'interfaces'],
  nvme: [], ohai: [], pkg_mgr: [], platform: ['architecture', 'kernel', 'kernel_version', 'machine', 'machine_id', 'python_version', 'system'],
  python: [], selinux: [], service_mgr: [], ssh_pub_keys: ['ssh_host_key_dsa_public', 'ssh_host_key_ecdsa_public', 'ssh_host_key_ed25519_public', 'ssh_host_key_rsa_public', 'ssh_host_pub_keys'],
  user: ['effective_group_ids', 'effective_user_id', 'real_user_id', 'user_dir', 'user_gecos', 'user_gid', 'user_id', 'user_shell', 'user_uid'],
  virtual: ['virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host', 'virtualization_type'],
};

const COLLECTOR_NEEDS: Record<string, string[]> = {
  service_mgr: ['platform', 'distribution'], pkg_mgr: ['distribution'], network: ['platform', 'distribution'], hardware: ['platform'],
};

const collectorOfId = new Map<string, string>(
  Object.entries(COLLECTOR_ALIASES).flatMap(([collector, ids]) => [[collector, collector] as [string, string], ...ids.map((id): [string, string] => [id, collector])]),
);
const VALID_SUBSETS = [...collectorOfId.keys()];
const ALL_COLLECTORS = new Set(Object.keys(COLLECTOR_ALIASES));

export class GatherSubsetError extends Error {}

/** gather_subset as written (a list, or one comma-separated string) to its entries. */
export function subsetEntries(value: unknown): string[] {
  if (value === undefined || value === null) return ['all'];
  const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return parts.map((part) => part.trim()).filter(Boolean);
}

const selections = new Map<string, ReadonlySet<string>>();

/** The collectors that run for gather_subset, as ansible-core 2.14 selects them (facter/ohai select nothing here). */
export function selectCollectors(gatherSubset: readonly string[]): ReadonlySet<string> {
  // Every host of a play asks with the same gather_subset.
  const key = JSON.stringify(gatherSubset);
  let collectors = selections.get(key);
  if (!collectors) {
    collectors = collectorsFor(gatherSubset);
    selections.set(key, collectors);
  }
  return collectors;
}

function collectorsFor(gatherSubset: readonly string[]): Set<string> {
  const wanted = new Set<string>();
  const excluded = new Set<string>();
  const explicit = new Set<string>();
  const written = gatherSubset.length === 0 ? ['all'] : gatherSubset;
  for (const entry of ['min', ...written]) {
    if (entry === 'min') MINIMAL_COLLECTORS.forEach((name) => wanted.add(name));
    else if (entry === 'all') VALID_SUBSETS.forEach((name) => wanted.add(name));
    else if (entry === '!min') MINIMAL_COLLECTORS.forEach((name) => excluded.add(name));
    else if (entry === '!all') VALID_SUBSETS.filter((name) => !MINIMAL_COLLECTORS.has(name)).forEach((name) => excluded.add(name));
    else if (entry.startsWith('!')) {
      const name = entry.slice(1);
      excluded.add(name);
      (COLLECTOR_ALIASES[name] ?? []).forEach((id) => excluded.add(id));
    } else {
      if (!collectorOfId.has(entry)) throw new GatherSubsetError(`Bad subset '${entry}' given to Ansible. gather_subset options allowed: all, ${[...VALID_SUBSETS].sort().join(', ')}`);
      explicit.add(entry);
      wanted.add(entry);
    }
  }
  const kept = [...wanted].filter((name) => !excluded.has(name) || explicit.has(name));
  const collectors = new Set(kept.map((id) => collectorOfId.get(id)).filter((name): name is string => name !== undefined && ALL_COLLECTORS.has(name)));
  for (const name of [...collectors]) (COLLECTOR_NEEDS[name] ?? []).forEach((needed) => collectors.add(needed));
  return collectors;
}
