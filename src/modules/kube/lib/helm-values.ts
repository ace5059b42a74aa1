import { stringify } from 'yaml';

export type Values = Record<string, unknown>;

export function isMapping(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Helm's merge of user values (-f files in order, then the next layer): mappings merge key by key, anything else is replaced. */
export function mergeValues(base: Values, overlay: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = merged[key];
    merged[key] = isMapping(value) && isMapping(current) ? mergeValues(current, value) : value;
  }
  return merged;
}

/** JSON with mapping keys sorted, so equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isMapping(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Values as the YAML shown in a diff ('' when there are none). */
export function valuesYaml(values: Values | undefined): string {
  return values && Object.keys(values).length > 0 ? stringify(values, { sortMapEntries: true }) : '';
}
