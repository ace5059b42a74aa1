import { globToRegExp } from '../../../inventory/fnmatch.js';
import { ModuleFailure } from '../../contract.js';

/** One entry of apt's `name`: `foo`, `foo=1.0`, `foo=1.0*` (a version glob), `foo>=1.0`, `foo:amd64`, `apt*` (a name glob). */
export interface AptSpec {
  name: string;
  compare?: '=' | '>=';
  version?: string;
}

const GLOB_CHARACTERS = /[*?[\]!]/;

export function parseAptSpec(text: string): AptSpec {
  if ((text.match(/=/g) ?? []).length > 1) throw new ModuleFailure(`invalid package spec: ${text}`);
  const match = /^(.*?)(>?=)(.*)$/.exec(text);
  return match ? { name: match[1], compare: match[2] as AptSpec['compare'], version: match[3] } : { name: text };
}

export function formatAptSpec(spec: AptSpec): string {
  return spec.compare ? `${spec.name}${spec.compare}${spec.version}` : spec.name;
}

export function isNameGlob(spec: AptSpec): boolean {
  return GLOB_CHARACTERS.test(spec.name);
}

/** Python's fnmatch, which Ansible uses for name and version globs. */
export function fnmatch(text: string, pattern: string): boolean {
  return globToRegExp(pattern).test(text);
}

/**
 * A name glob replaced by every package name it matches (names with an architecture only when the
 * glob has one), as Ansible does; a glob that matches nothing fails.
 */
export function expandNameGlobs(specs: readonly AptSpec[], knownNames: readonly string[]): AptSpec[] {
  return specs.flatMap((spec) => {
    if (!isNameGlob(spec)) return [spec];
    const candidates = spec.name.includes(':') ? knownNames : knownNames.filter((name) => !name.includes(':'));
    const matches = candidates.filter((name) => fnmatch(name, spec.name));
    if (matches.length === 0) throw new ModuleFailure(`No package(s) matching '${spec.name}' available`);
    return matches.map((name) => ({ name }));
  });
}
