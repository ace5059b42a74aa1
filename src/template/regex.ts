import { TemplateError } from './errors.js';
import { tuple } from './python-types.js';

interface RegexOptions {
  ignorecase?: unknown;
  multiline?: unknown;
}

/** Python `re` syntax that JavaScript spells differently. */
function translatePattern(pattern: string): { source: string; inlineFlags: string } {
  let source = pattern;
  let inlineFlags = '';
  const leading = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (leading) {
    inlineFlags = leading[1].replace(/[aLux]/g, '');
    source = source.slice(leading[0].length);
  }
  source = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2(?<![\\s\\S])')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2(?![\\s\\S])');
  return { source, inlineFlags };
}

/** Compiles a Python regular expression; `extra` adds JS flags such as 'g' or 'y'. */
export function pyRegex(pattern: string, options: RegexOptions = {}, extra = ''): RegExp {
  const { source, inlineFlags } = translatePattern(pattern);
  let flags = extra + inlineFlags;
  if (options.ignorecase && !flags.includes('i')) flags += 'i';
  if (options.multiline && !flags.includes('m')) flags += 'm';
  try {
    return new RegExp(source, [...new Set(flags)].join(''));
  } catch (error) {
    throw new TemplateError(`invalid regular expression '${pattern}': ${(error as Error).message}`);
  }
}

/** Python's match.group(ref) for a number or a name; unmatched groups are ''. */
export function groupOf(match: RegExpMatchArray, ref: string | number): string {
  const numeric = typeof ref === 'number' || /^\d+$/.test(ref);
  const exists = numeric ? Number(ref) < match.length : match.groups !== undefined && Object.hasOwn(match.groups, ref);
  if (!exists) throw new TemplateError(`invalid group reference ${ref}`);
  return (numeric ? match[Number(ref)] : match.groups?.[ref]) ?? '';
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Expands a Python re.sub replacement template (\1, \g<1>, \g<name>, \n ...) for one match. */
export function expandReplacement(template: string, match: RegExpMatchArray): string {
  return template.replace(/\\(g<([^>]*)>|\d{1,2}|.)/gs, (whole, escape: string, groupRef: string | undefined) => {
    if (groupRef !== undefined) return groupOf(match, groupRef);
    if (/^\d/.test(escape)) return groupOf(match, Number(escape));
    if (Object.hasOwn(SIMPLE_ESCAPES, escape)) return SIMPLE_ESCAPES[escape];
    if (/[A-Za-z]/.test(escape)) throw new TemplateError(`bad escape \\${escape}`);
    return whole;
  });
}

/** Python's re.findall: whole matches, the one group, or lists of groups. */
export function findAll(value: string, regex: RegExp): unknown[] {
  const global = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : regex.flags + 'g');
  return [...value.matchAll(global)].map((match) => {
    if (match.length === 1) return match[0];
    if (match.length === 2) return match[1] ?? '';
    return tuple(match.slice(1).map((group) => group ?? ''));
  });
}

/** re.match (anchored at the start) or re.search. */
export function firstMatch(value: string, regex: RegExp, anchored: boolean): RegExpMatchArray | null {
  const search = new RegExp(regex.source, regex.flags.replace(/[gy]/g, '') + (anchored ? 'y' : ''));
  return search.exec(value);
}
