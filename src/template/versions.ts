import { TemplateError } from './errors.js';

/**
 * The version classes Ansible's `version` test compares with: distutils' LooseVersion and StrictVersion,
 * and Ansible's SemanticVersion. Each turns a string into a comparator; a failure is a ValueError/TypeError
 * message that the test wraps as Ansible does ("Version comparison failed: ...").
 */
type Compare = (a: string, b: string) => number;

function sign(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Python's comparison of two lists: element by element, then by length; int and str do not order. */
function compareLists(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] !== typeof b[i]) {
      const [left, right] = [a[i], b[i]].map((part) => (typeof part === 'number' ? 'int' : 'str'));
      throw new TemplateError(`'<' not supported between instances of '${left}' and '${right}'`);
    }
    return sign(a[i], b[i]);
  }
  return sign(a.length, b.length);
}

function looseParts(version: string): (number | string)[] {
  return version
    .split(/(\d+|[a-z]+|\.)/)
    .filter((part) => part !== '' && part !== '.')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const loose: Compare = (a, b) => {
  const [left, right] = [looseParts(a), looseParts(b)];
  if (left.length === right.length && left.every((part, i) => part === right[i])) return 0;
  return compareLists(left, right);
};

const STRICT = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/;

function strictParts(version: string): { release: number[]; pre?: [string, number] } {
  const match = STRICT.exec(version);
  if (!match) throw new TemplateError(`invalid version number '${version}'`);
  const release = [Number(match[1]), Number(match[2]), Number(match[4] ?? 0)];
  return match[5] ? { release, pre: [match[5][0], Number(match[6])] } : { release };
}

const strict: Compare = (a, b) => {
  const [left, right] = [strictParts(a), strictParts(b)];
  const release = compareLists(left.release, right.release);
  if (release !== 0) return release;
  if (!left.pre || !right.pre) return left.pre ? -1 : right.pre ? 1 : 0;
  return compareLists(left.pre, right.pre);
};

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverParts(version: string): { core: number[]; pre: (number | string)[] } {
  const match = SEMVER.exec(version);
  if (!match) throw new TemplateError(`invalid semantic version '${version}'`);
  const pre = match[4] ? match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : [];
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre };
}

/** SemanticVersion: build metadata ignored, a prerelease sorts before its release, numbers before words. */
const semver: Compare = (a, b) => {
  const [left, right] = [semverParts(a), semverParts(b)];
  const core = compareLists(left.core, right.core);
  if (core !== 0) return core;
  if (left.pre.length === 0 || right.pre.length === 0) return left.pre.length ? -1 : right.pre.length ? 1 : 0;
  for (let i = 0; i < Math.min(left.pre.length, right.pre.length); i++) {
    const [x, y] = [left.pre[i], right.pre[i]];
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return sign(x, y);
  }
  return sign(left.pre.length, right.pre.length);
};

export const VERSION_TYPES: Record<string, Compare> = { loose, strict, semver, semantic: semver };
