/**
 * A .repo file as Python's RawConfigParser (which Ansible's yum_repository uses) reads and writes
 * it: sections in file order, keys lower-cased, indented lines continuing a value, comments dropped.
 */
export type RepoIni = Map<string, Map<string, string>>;

export function parseRepoIni(text: string): RepoIni {
  const sections: RepoIni = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) {
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(line) && current && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey)}\n${line.trim()}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      current = sections.get(header[1]) ?? new Map();
      sections.set(header[1], current);
      lastKey = undefined;
      continue;
    }
    const option = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (option && current) {
      lastKey = option[1].trim().toLowerCase();
      current.set(lastKey, option[2].trim());
    }
  }
  return sections;
}

/** RawConfigParser.write: `key = value`, continuation lines indented by a tab, a blank line after each section. */
export function writeRepoIni(sections: RepoIni): string {
  let text = '';
  for (const [name, options] of sections) {
    text += `[${name}]\n`;
    for (const [key, value] of options) text += `${key} = ${value.replace(/\n/g, '\n\t')}\n`;
    text += '\n';
  }
  return text;
}

/** Ansible's dump of the file for its diff: sections and keys sorted. */
export function dumpRepoIni(sections: RepoIni): string {
  let text = '';
  for (const name of [...sections.keys()].sort()) {
    text += `[${name}]\n`;
    const options = sections.get(name) ?? new Map<string, string>();
    for (const key of [...options.keys()].sort()) text += `${key} = ${options.get(key)}\n`;
    text += '\n';
  }
  return text;
}
