/** A string holding Jinja: valid wherever a value of another type is expected, since it is rendered first. */
export const TEMPLATE_STRING = { type: 'string', pattern: '\\{\\{|\\{%', description: 'A Jinja2 expression, rendered before use.' };

type Schema = Record<string, unknown>;

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'];

function typesOf(schema: Schema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
}

/**
 * The schema with Jinja-templated strings accepted wherever it would refuse a string: a typed value
 * (`port: "{{ web_port }}"`), an enum (`state: "{{ wanted }}"`), a pattern or a const. Subschemas too.
 */
export function allowTemplates(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const source = schema as Schema;
  const copy: Schema = { ...source };
  for (const key of SUBSCHEMA_MAPS) {
    if (source[key] && typeof source[key] === 'object') {
      copy[key] = Object.fromEntries(Object.entries(source[key] as Schema).map(([name, sub]) => [name, allowTemplates(sub)]));
    }
  }
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(source[key])) copy[key] = (source[key] as unknown[]).map(allowTemplates);
  for (const key of SUBSCHEMAS) if (source[key] && typeof source[key] === 'object') copy[key] = allowTemplates(source[key]);
  if (source.dependencies && typeof source.dependencies === 'object') {
    copy.dependencies = Object.fromEntries(Object.entries(source.dependencies as Schema).map(([name, sub]) => [name, Array.isArray(sub) ? sub : allowTemplates(sub)]));
  }
  const types = typesOf(source);
  const refusesStrings = (types !== undefined && !types.includes('string')) || source.enum !== undefined || source.const !== undefined || source.pattern !== undefined;
  if (!refusesStrings) return copy;
  const { description, default: fallback, ...rest } = copy;
  return { ...(description === undefined ? {} : { description }), ...(fallback === undefined ? {} : { default: fallback }), anyOf: [rest, TEMPLATE_STRING] };
}
