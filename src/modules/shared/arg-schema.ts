/** Ansible argument aliases: canonical name -> other accepted names (lineinfile's path: dest, destfile, name). */
export type Aliases = Record<string, readonly string[]>;

const withoutDefault = (schema: object): object => {
  const { default: _default, ...rest } = schema as Record<string, unknown>;
  return rest;
};

/** What withAliases knew about an aliased property's schema: its canonical name, its aliases and its default. */
export interface AliasedArgument {
  name: string;
  aliases: readonly string[];
  default?: unknown;
}

const aliased = new WeakMap<object, AliasedArgument>();

/** For documentation: the canonical name, aliases and default behind a property schema made by withAliases. */
export function aliasedArgument(schema: object): AliasedArgument | undefined {
  return aliased.get(schema);
}

/**
 * The properties, plus a copy of each aliased property's schema under every alias. An aliased property keeps
 * no default here (ajv would fill it in and hide a value given under an alias): foldAliases applies it.
 */
export function withAliases(properties: Record<string, object>, aliases: Aliases): Record<string, object> {
  const all = { ...properties };
  for (const [name, others] of Object.entries(aliases)) {
    const schema = withoutDefault(properties[name]);
    aliased.set(schema, { name, aliases: others, default: (properties[name] as { default?: unknown }).default });
    all[name] = schema;
    for (const other of others) all[other] = schema;
  }
  return all;
}

/** Schema fragment: `name` is required unless one of its aliases is given (reported as "missing 'name'"). */
export function requiredWithAliases(name: string, aliases: readonly string[]): Record<string, unknown> {
  if (aliases.length === 0) return { required: [name] };
  return { if: { not: { anyOf: aliases.map((alias) => ({ required: [alias] })) } }, then: { required: [name] } };
}

/**
 * The arguments under their canonical names (the canonical name wins over an alias), with the defaults of
 * aliased properties (from the `properties` given to withAliases) where neither name was given.
 */
export function foldAliases<T>(args: Record<string, unknown>, aliases: Aliases, properties: Record<string, object> = {}): T {
  const folded: Record<string, unknown> = { ...args };
  for (const [name, others] of Object.entries(aliases)) {
    for (const other of others) {
      if (folded[name] === undefined && folded[other] !== undefined) folded[name] = folded[other];
      delete folded[other];
    }
    const fallback = (properties[name] as { default?: unknown } | undefined)?.default;
    if (folded[name] === undefined && fallback !== undefined) folded[name] = structuredClone(fallback);
  }
  return folded as T;
}

/** mode/owner/group, shared by every module that writes files. */
export const FILE_ATTRIBUTE_PROPERTIES: Record<string, object> = {
  mode: { type: ['string', 'integer'], description: "The permissions of the file or directory, octal ('0644', quoted) or symbolic ('u=rw,g=r')." },
  owner: { type: 'string', description: 'The user that should own the file or directory.' },
  group: { type: 'string', description: 'The group that should own the file or directory.' },
};
