import { globToRegExp } from '../../../inventory/fnmatch.js';
import { ModuleFailure } from '../../contract.js';
import { compilePythonRegex, toByteString } from '../../shared/python-regex.js';

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const BYTES_PER_UNIT: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function withUnit(value: string, units: Record<string, number>, key: 'age' | 'size'): number {
  const match = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(value.toLowerCase());
  if (!match) throw new ModuleFailure(`failed to process ${key}`, { [key]: value });
  return Number(match[1]) * units[match[2] ?? Object.keys(units)[0]];
}

/** find's age: "2d", "-3h", "10" (seconds); negative means younger than. */
export function parseAge(age: string | undefined): number | undefined {
  return age === undefined ? undefined : withUnit(age, SECONDS_PER_UNIT, 'age');
}

/** find's size: "1m", "-10k", "100" (bytes); negative means at most. */
export function parseSize(size: string | undefined): number | undefined {
  return size === undefined ? undefined : withUnit(size, BYTES_PER_UNIT, 'size');
}

export function ageMatches(timestamp: number, now: number, age: number | undefined): boolean {
  if (age === undefined) return true;
  return age >= 0 ? now - timestamp >= Math.abs(age) : now - timestamp <= Math.abs(age);
}

export function sizeMatches(size: number, wanted: number | undefined): boolean {
  if (wanted === undefined) return true;
  return wanted >= 0 ? size >= Math.abs(wanted) : size <= Math.abs(wanted);
}

/** Python's re.match: anchored at the start only. */
function startMatcher(pattern: string, argument: string): (text: string) => boolean {
  const compiled = compilePythonRegex(pattern, argument);
  const sticky = new RegExp(compiled.source, `${compiled.flags}y`);
  return (text) => {
    sticky.lastIndex = 0;
    return sticky.test(toByteString(text));
  };
}

/** find's name filter: a name matching one pattern and no exclude (fnmatch globs, or regexes matched at the start). */
export function nameFilter(patterns: readonly string[], excludes: readonly string[], useRegex: boolean): (name: string) => boolean {
  const compile = (pattern: string, argument: string) => {
    if (useRegex) return startMatcher(pattern, argument);
    const glob = globToRegExp(pattern);
    return (text: string) => glob.test(text);
  };
  const included = patterns.map((pattern) => compile(pattern, 'patterns'));
  const excluded = excludes.map((pattern) => compile(pattern, 'excludes'));
  return (name) => included.some((matches) => matches(name)) && !excluded.some((matches) => matches(name));
}

/** find's contains: a line matching at its start, or (read_whole_file) a match anywhere in the file. */
export function contentFilter(pattern: string, wholeFile: boolean): (content: Buffer) => boolean {
  const compiled = compilePythonRegex(pattern, 'contains');
  const atStart = new RegExp(compiled.source, `${compiled.flags}y`);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return (content) => {
    // Python opens the file as UTF-8 text: a file that is not is no match.
    try {
      utf8.decode(content);
    } catch {
      return false;
    }
    const text = content.toString('latin1');
    if (wholeFile) return compiled.test(text);
    // Python reads text lines: each keeps its line break.
    return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).some((line) => {
      atStart.lastIndex = 0;
      return atStart.test(line);
    });
  };
}
