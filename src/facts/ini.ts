/**
 * INI text read as Python's configparser.ConfigParser reads it for Ansible's local facts: option names
 * lower-cased, values stripped, indented lines continue a value, DEFAULT's options in every section.
 * Returns undefined where configparser raises (text before the first section, a line without = or :,
 * a section or option given twice).
 */
export function parseIni(text: string): Record<string, Record<string, string>> | undefined {
  const sections = new Map<string, Map<string, string>>();
  const defaults = new Map<string, string>();
  let section: Map<string, string> | undefined;
  let option: string | undefined;
  let optionIndent = 0;
  for (const raw of text.split(/\r?\n/)) {
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) {
      if (stripped === '' && section && option !== undefined) section.set(option, `${section.get(option)}\n`);
      continue;
    }
    if (section && option !== undefined && indent > optionIndent) {
      section.set(option, `${section.get(option)}\n${stripped}`);
      continue;
    }
    const header = /^\[(.+)\]$/.exec(stripped);
    if (header) {
      const name = header[1];
      if (name === 'DEFAULT') section = defaults;
      else if (sections.has(name)) return undefined;
      else sections.set(name, (section = new Map()));
      option = undefined;
      continue;
    }
    if (!section) return undefined;
    const pair = /^(.*?)\s*([=:])\s*(.*)$/.exec(stripped);
    if (!pair || pair[1] === '') return undefined;
    const name = pair[1].toLowerCase();
    if (section.has(name)) return undefined;
    section.set(name, pair[3]);
    option = name;
    optionIndent = indent;
  }
  const clean = (value: string) => value.replace(/\n+$/, '').replace(/%%/g, '%');
  return Object.fromEntries(
    [...sections].map(([name, options]) => [name, Object.fromEntries([...new Map([...defaults, ...options])].map(([key, value]) => [key, clean(value)]))]),
  );
}
