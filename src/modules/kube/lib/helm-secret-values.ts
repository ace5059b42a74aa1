import { canonicalJson, isMapping, type Values } from './helm-values.js';

/** How a secret value reads in a diff (the runner masks the same way in all output). */
const MASK = '********';
const CHANGED_MASK = `${MASK} (changed)`;

type KeyPath = string[];

/** The path to every secret: a mapping's keys are walked, any other value (text, number, list) is one secret. */
export function secretPaths(secrets: Values, prefix: KeyPath = []): KeyPath[] {
  return Object.entries(secrets).flatMap(([key, value]) => (isMapping(value) ? secretPaths(value, [...prefix, key]) : [[...prefix, key]]));
}

function lookup(values: Values, path: KeyPath): { found: boolean; value?: unknown } {
  let cursor: unknown = values;
  for (const key of path) {
    if (!isMapping(cursor) || !Object.hasOwn(cursor, key)) return { found: false };
    cursor = cursor[key];
  }
  return { found: true, value: cursor };
}

function replaced(values: Values, [key, ...rest]: KeyPath, value: unknown): Values {
  return { ...values, [key]: rest.length === 0 ? value : replaced(values[key] as Values, rest, value) };
}

/**
 * The values with each secret that is there masked, for a diff. With `previous` (the deployed values), a
 * secret whose value differs from the deployed one reads "******** (changed)", so the diff shows that it
 * changes without showing either value.
 */
export function maskSecrets(values: Values, paths: KeyPath[], previous?: Values): Values {
  let masked = values;
  for (const path of paths) {
    const current = lookup(values, path);
    if (!current.found) continue;
    const before = previous === undefined ? undefined : lookup(previous, path);
    const changed = before?.found === true && canonicalJson(before.value) !== canonicalJson(current.value);
    masked = replaced(masked, path, changed ? CHANGED_MASK : MASK);
  }
  return masked;
}
