import { parseAddress } from './address.js';
import { InventoryError } from './errors.js';
import { globToRegExp } from './fnmatch.js';
import type { InventoryModel } from './model.js';

export const LOCALHOST_NAMES = ['127.0.0.1', 'localhost', '::1'];

const SUBSCRIPTED = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)[:-]([0-9]*))\]$/;

/**
 * Resolves an Ansible host pattern like InventoryManager.get_hosts: parts separated by ',' (or ':'), applied as
 * all plain parts first (union), then '&' parts (intersection), then '!' parts (exclusion). A part is a host or
 * group name, a glob ('web*', matched against groups, and against hosts too), or '~regex'; it may end with a
 * subscript [i] or [start:end]. localhostFor(name) supplies the host for 'localhost' when nothing else matches.
 */
export function selectHosts(model: InventoryModel, pattern: string, localhostFor: (name: string) => string): string[] {
  let hosts: string[] = [];
  for (const part of orderParts(splitPattern(pattern))) {
    if (model.hosts.has(part)) {
      hosts.push(part);
      continue;
    }
    const matches = matchPart(model, part, localhostFor);
    if (part.startsWith('!') || part.startsWith('&')) {
      const selected = new Set(matches);
      const keep = part.startsWith('&');
      hosts = hosts.filter((host) => selected.has(host) === keep);
    } else {
      const existing = new Set(hosts);
      hosts.push(...matches.filter((host) => !existing.has(host)));
    }
  }
  return [...new Set(hosts)];
}

/**
 * The parts of a pattern that name no group and no host, as Ansible warns "Could not match supplied host
 * pattern, ignoring: PART" (a matching group, even an empty one, and 'all' are no mismatch).
 */
export function unmatchedParts(model: InventoryModel, pattern: string): string[] {
  return splitPattern(pattern)
    .map((part) => part.replace(/^[&!]/, ''))
    .filter((part) => {
      const subscripted = part.startsWith('~') ? null : SUBSCRIPTED.exec(part);
      const expression = subscripted ? subscripted[1] : part;
      if (expression === 'all' || model.hosts.has(expression) || LOCALHOST_NAMES.includes(expression)) return false;
      const matches = matcher(expression);
      return ![...model.groups.keys()].some(matches) && ![...model.hosts.keys()].some(matches);
    });
}

/** 'a,b[1], c' -> ['a', 'b[1]', 'c']; without commas, ':' separates unless the whole is one address or range. */
function splitPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern, true)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function orderParts(parts: string[]): string[] {
  const intersections = parts.filter((part) => part.startsWith('&'));
  const exclusions = parts.filter((part) => part.startsWith('!'));
  const plain = parts.filter((part) => !part.startsWith('&') && !part.startsWith('!'));
  return [...(plain.length > 0 ? plain : ['all']), ...intersections, ...exclusions];
}

function matchPart(model: InventoryModel, part: string, localhostFor: (name: string) => string): string[] {
  const pattern = part.replace(/^[&!]/, '');
  const subscripted = pattern.startsWith('~') ? null : SUBSCRIPTED.exec(pattern);
  const expression = subscripted ? subscripted[1] : pattern;
  const hosts = enumerate(model, expression, localhostFor);
  if (!subscripted || hosts.length === 0) return hosts;

  const [, , index, start, end] = subscripted;
  // Ansible reads an end of 0 as "no end": [3:0] is [3].
  const single = index ?? (Number(end) === 0 && end !== '' ? start : undefined);
  if (single !== undefined) {
    const host = hosts.at(Number(single));
    if (host === undefined) throw new InventoryError(`No hosts matched the subscripted pattern '${pattern}'`);
    return [host];
  }
  return hosts.slice(Number(start), end === '' ? undefined : Number(end) + 1);
}

/** Hosts of every group the expression matches; also matching hosts when no group matched or it is a glob/regex. */
function enumerate(model: InventoryModel, expression: string, localhostFor: (name: string) => string): string[] {
  const matches = matcher(expression);
  const groups = [...model.groups.keys()].filter(matches);
  const results = groups.flatMap((group) => model.hostsOf(group));
  if (groups.length === 0 || expression.startsWith('~') || /[.?*[]/.test(expression)) {
    results.push(...[...model.hosts.keys()].filter(matches));
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(expression)) results.push(localhostFor(expression));
  return results;
}

function matcher(expression: string): (name: string) => boolean {
  let regex: RegExp;
  try {
    // A '~' regex only has to match at the start of the name, as Python's re.match.
    regex = expression.startsWith('~') ? new RegExp(`^(?:${expression.slice(1)})`) : globToRegExp(expression);
  } catch {
    throw new InventoryError(`Invalid host list pattern: ${expression}`);
  }
  return (name) => regex.test(name);
}
