/** Ansible's tag selection: --tags/--skip-tags with the special tags all, always, never, tagged, untagged. */
export function selectedByTags(nodeTags: readonly string[], only: readonly string[], skip: readonly string[]): boolean {
  const tags = new Set(nodeTags);
  const matches = (wanted: string): boolean => {
    if (wanted === 'all') return !tags.has('never');
    if (wanted === 'tagged') return tags.size > 0;
    if (wanted === 'untagged') return tags.size === 0;
    return tags.has(wanted);
  };
  if (skip.some((wanted) => (wanted === 'all' ? true : matches(wanted)))) return false;
  if (only.length === 0) return !tags.has('never');
  if (tags.has('always')) return true;
  return only.some(matches);
}
