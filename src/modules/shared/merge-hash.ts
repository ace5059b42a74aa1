/** A mapping (not a list, not null), as Python's MutableMapping checks go. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Ansible's recursive dictionary merge (merge_hash, hash_behaviour=merge): the new value wins except where both are mappings; lists are replaced. */
export function mergeHashes(old: unknown, value: unknown): unknown {
  if (!isMapping(old) || !isMapping(value)) return value;
  const merged: Record<string, unknown> = { ...old };
  for (const [key, item] of Object.entries(value)) merged[key] = mergeHashes(old[key], item);
  return merged;
}
