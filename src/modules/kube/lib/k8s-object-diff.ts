import { sortedKeys } from '../../../python/sorted-keys.js';

/** Kubernetes objects as JSON values, compared and merged the way kubernetes.core.k8s does it. */
export type KubeObject = Record<string, unknown>;

const isMap = (value: unknown): value is KubeObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));
}

/** The parts of two objects that differ: [what only the first has or has otherwise, the same of the second]. */
export function recursiveDiff(first: KubeObject, second: KubeObject): [KubeObject, KubeObject] | undefined {
  const left: KubeObject = {};
  const right: KubeObject = {};
  for (const [key, value] of Object.entries(first)) {
    if (!(key in second)) left[key] = value;
  }
  for (const [key, value] of Object.entries(second)) {
    if (!(key in first)) {
      right[key] = value;
      continue;
    }
    const before = first[key];
    if (isMap(before) && isMap(value)) {
      const inner = recursiveDiff(before, value);
      if (inner) [left[key], right[key]] = inner;
    } else if (!equal(before, value)) {
      left[key] = before;
      right[key] = value;
    }
  }
  return Object.keys(left).length > 0 || Object.keys(right).length > 0 ? [left, right] : undefined;
}

/**
 * Whether an object came back as it was: differences in metadata.generation or resourceVersion alone do not count
 * (then `idle` says a no-op write bumped them). `diff` is what --diff shows.
 */
export function compareObjects(existing: KubeObject, instance: KubeObject): { match: boolean; idle: boolean; diff?: { before: KubeObject; after: KubeObject } } {
  const difference = recursiveDiff(existing, instance);
  if (!difference) return { match: true, idle: false };
  const [before, after] = difference;
  const onlyVersions = (side: KubeObject): boolean =>
    Object.keys(side).length === 1 && isMap(side.metadata) && Object.keys(side.metadata).every((key) => key === 'generation' || key === 'resourceVersion');
  const match = onlyVersions(before) && onlyVersions(after);
  return { match, idle: match, diff: { before, after } };
}

/** Recursive merge: maps merge key by key, anything else in `patch` replaces. */
export function dictMerge(base: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const result: KubeObject = isMap(base) ? structuredClone(base) : {};
  for (const [key, value] of Object.entries(patch)) result[key] = isMap(result[key]) ? dictMerge(result[key], value) : structuredClone(value);
  return result;
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The definition with the annotation client-side apply keeps: the definition itself as compact JSON, keys sorted. */
export function annotated(definition: KubeObject): KubeObject {
  return dictMerge(definition, { metadata: { annotations: { [LAST_APPLIED]: JSON.stringify(sortedKeys(definition)) } } }) as KubeObject;
}

/** Keys the last applied configuration had that the desired one drops (set to null) or changes. */
function deletions(lastApplied: KubeObject, desired: KubeObject): KubeObject {
  const patch: KubeObject = {};
  for (const [key, value] of Object.entries(lastApplied)) {
    const wanted = desired[key];
    if (isMap(value) && isMap(wanted)) {
      const inner = deletions(value, wanted);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (!equal(value, wanted)) patch[key] = wanted ?? null;
  }
  return patch;
}

/** What the desired configuration sets that the live object lacks or has otherwise (lists are sent whole). */
function delta(actual: KubeObject, desired: KubeObject): KubeObject {
  const patch: KubeObject = {};
  for (const [key, wanted] of Object.entries(desired)) {
    const live = actual[key];
    if (live === undefined || live === null) patch[key] = wanted;
    else if (isMap(wanted)) {
      const inner = delta(isMap(live) ? live : {}, wanted);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (Array.isArray(wanted)) {
      if (wanted.length > 0) patch[key] = wanted;
    } else if (!equal(live, wanted)) patch[key] = wanted;
  }
  return patch;
}

/**
 * Client-side apply's merge patch from the live object to the definition (annotation included): keys the last
 * applied configuration set and the definition drops are removed, the rest is the definition. Undefined: nothing to send.
 */
export function applyPatch(live: KubeObject, definition: KubeObject): KubeObject | undefined {
  const desired = annotated(definition);
  const annotations = (isMap(live.metadata) && isMap(live.metadata.annotations) ? live.metadata.annotations : {}) as KubeObject;
  const lastText = annotations[LAST_APPLIED];
  if (typeof lastText !== 'string') return desired;
  const last = JSON.parse(lastText) as KubeObject;
  const patch = dictMerge(deletions(annotated(last), desired), delta(live, desired)) as KubeObject;
  return Object.keys(patch).length > 0 ? patch : undefined;
}
