import { asTags } from '../playbook/tasks.js';

/**
 * Ansible's tag selection (Taggable.evaluate_tags): --tags (default all) and --skip-tags with the special tags
 * all, always, never, tagged, untagged.
 */
export function selectedByTags(nodeTags: readonly string[], only: readonly string[], skip: readonly string[]): boolean {
  const tags = new Set(nodeTags.length === 0 ? ['untagged'] : nodeTags);
  const untagged = nodeTags.length === 0;
  const wanted = only.length === 0 ? ['all'] : only;
  const runs =
    tags.has('always') ||
    (wanted.includes('all') && !tags.has('never')) ||
    wanted.some((tag) => tags.has(tag)) ||
    (wanted.includes('tagged') && !untagged && !tags.has('never'));
  if (!runs) return false;
  if (skip.includes('all')) return tags.has('always') && !skip.includes('always');
  if (skip.some((tag) => tags.has(tag))) return false;
  return !(skip.includes('tagged') && !untagged);
}

/** Tags given as a template (`tags: "{{ the_tags }}"`) rendered, as Ansible does before it selects tasks. */
export function renderedTags(tags: readonly string[], render: (text: string) => unknown): string[] {
  if (!tags.some((tag) => tag.includes('{{'))) return [...tags];
  return tags.flatMap((tag) => (tag.includes('{{') ? asTags(render(tag)) : [tag]));
}
