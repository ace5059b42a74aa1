/**
 * The `vars` keyword as ansible-core 2.14 still accepts it: a mapping, or (the old form) a list of mappings
 * merged in order, later ones winning.
 */
export function varsMapping(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return Object.assign({}, ...value.filter((item) => item !== null)) as Record<string, unknown>;
  return (value as Record<string, unknown> | null | undefined) ?? {};
}
