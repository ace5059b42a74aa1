import { ConfigError } from './errors.js';

/** One `key = value` of an ansible.cfg, with the line it starts on. */
export interface IniEntry {
  value: string;
  line: number;
}

/** Section name -> key (lower-cased) -> entry. */
export type IniSections = Map<string, Map<string, IniEntry>>;

/**
 * Reads INI the way Python's configparser does for Ansible: `key = value` or `key: value`, keys lower-cased,
 * whole-line `#` and `;` comments, inline comments only after `;` preceded by a space, indented lines continue a
 * value, and a later key replaces an earlier one.
 */
export function parseConfigIni(text: string, file: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, IniEntry> | undefined;
  let last: IniEntry | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') last = undefined;
      return;
    }
    if (/^\s/.test(raw) && last) {
      last.value = `${last.value}\n${stripInlineComment(trimmed)}`;
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      last = undefined;
      return;
    }
    if (!current) throw new ConfigError(`Error reading config file (${file}): File contains no section headers (line ${line}: '${trimmed}')`);
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!match) throw new ConfigError(`Error reading config file (${file}): Source contains parsing errors (line ${line}: '${trimmed}')`);
    last = { value: stripInlineComment(match[2]), line };
    current.set(match[1].trim().toLowerCase(), last);
  });
  return sections;
}

function stripInlineComment(value: string): string {
  const at = value.search(/\s;/);
  return (at >= 0 ? value.slice(0, at) : value).trim();
}
