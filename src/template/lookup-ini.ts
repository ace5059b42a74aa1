import { readFileDecrypted } from '../vault/active.js';
import { TemplateError } from './errors.js';
import { decodedText, findInSearchPath } from './lookup-files.js';
import type { Keywords, Lookup } from './lookup-types.js';
import { truthy } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { pyRegex } from './regex.js';

interface IniOptions {
  type: string;
  file: string;
  section: string;
  re: unknown;
  encoding: string;
  default: unknown;
  case_sensitive: unknown;
  allow_no_value: unknown;
  allow_none?: unknown;
}

const DEFAULTS: IniOptions = { type: 'ini', file: 'ansible.ini', section: 'global', re: false, encoding: 'utf-8', default: '', case_sensitive: false, allow_no_value: false };
const OPTION_NAMES = [...Object.keys(DEFAULTS), 'allow_none'];
const PROPERTIES_SECTION = 'java_properties';

/** Sections of option -> value (null: an option without a value), as Python's configparser reads them. */
type Sections = Map<string, Map<string, string | null>>;

/** Python's configparser: `[section]`, `key = value` or `key: value`, comments, indented continuation lines. */
function readIni(text: string, file: string, optionxform: (name: string) => string, allowNoValue: boolean): Sections {
  const sections: Sections = new Map([['DEFAULT', new Map()]]);
  let section: Map<string, string | null> | undefined;
  let sectionName = '';
  let last: { key: string; indent: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    const indent = line.length - line.trimStart().length;
    if (stripped === '') {
      last = undefined;
      continue;
    }
    if (section && last && indent > last.indent) {
      section.set(last.key, `${section.get(last.key) ?? ''}\n${stripped}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      sectionName = header[1];
      section = sections.get(sectionName) ?? new Map();
      sections.set(sectionName, section);
      last = undefined;
      continue;
    }
    if (!section) throw new TemplateError(`File contains no section headers.\nfile: '${file}', line: ${index + 1}\n${JSON.stringify(line)}`);
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!option && !allowNoValue) throw new TemplateError(`Source contains parsing errors: '${file}'\n\t[line ${String(index + 1).padStart(2)}]: ${JSON.stringify(line)}`);
    const key = optionxform(option ? option[1] : stripped);
    if (section.has(key)) {
      throw new TemplateError(`Duplicate option in '${file}': While reading from '<???>' [line ${String(index + 1).padStart(2)}]: option '${key}' in section '${sectionName}' already exists`);
    }
    section.set(key, option ? option[2] : null);
    last = { key, indent };
  }
  return sections;
}

/** configparser's BasicInterpolation: %(name)s from the section (and DEFAULT, `lookup` applying optionxform), %% for a percent sign. */
function interpolate(value: string | null, lookup: (name: string) => string | null | undefined): string | null {
  if (value === null) return null;
  return value.replace(/%(%|\(([^)]*)\)s|.?)/g, (whole, what: string, name: string | undefined) => {
    if (what === '%') return '%';
    if (name === undefined) throw new TemplateError(`'%' must be followed by '%' or '(', found: ${JSON.stringify(whole)}`);
    const found = lookup(name);
    if (found === undefined || found === null) throw new TemplateError(`Bad value substitution: option '${name}' references missing option '${name}'`);
    return found;
  });
}

/** Ansible's _parse_params: words of an inline term; a word with `option=` starts that option, others join the last. */
function inlineParams(term: string): string[] {
  const params = new Map<string, string>();
  const order: string[] = [];
  let current = 'key';
  for (const [index, phrase] of term.split(/\s+/).filter(Boolean).entries()) {
    if (phrase.includes('=')) for (const name of OPTION_NAMES) if (phrase.includes(`${name}=`)) current = name;
    if (index === 0 || !params.get(current)) {
      params.set(current, phrase);
      order.push(current);
    } else {
      params.set(current, `${params.get(current)} ${phrase}`);
    }
  }
  return order.map((name) => params.get(name) ?? '');
}

/**
 * ini: values of an INI file's section (or a Java properties file), as Ansible's ini lookup reads them with Python's
 * configparser. A term is a key, or a key followed by inline options (`value1 section=s file=f.ini re=true`).
 */
export const ini: Lookup = (terms, keywords: Keywords) => {
  for (const name of Object.keys(keywords)) {
    if (!OPTION_NAMES.includes(name)) throw new TemplateError(`Requested entry (plugin_type: lookup plugin: ini setting: ${name} ) was not defined in configuration.`);
  }
  const options: Record<string, unknown> = { ...DEFAULTS, ...keywords };
  const values: unknown[] = [];
  for (const term of terms.map(pythonStr)) {
    let key = term;
    if (term.includes('=') || term.trim().includes(' ')) {
      let keyGiven = false;
      for (const param of inlineParams(term)) {
        if (param.includes('=')) {
          const parts = param.split('=');
          if (parts.length !== 2) throw new TemplateError(`Could not use '${param}' from '${JSON.stringify(inlineParams(term))}': too many values to unpack (expected 2)`);
          if (!OPTION_NAMES.includes(parts[0])) throw new TemplateError(`${parts[0]} is not a valid option.`);
          options[parts[0]] = parts[1];
        } else if (key === term) {
          key = param;
          keyGiven = true;
        }
      }
      if (!keyGiven) throw new TemplateError(`No key to lookup was provided as first term with in string inline options: ${term}`);
    }
    const file = pythonStr(options.file);
    const path = findInSearchPath(file, 'files');
    if (path === undefined) throw new TemplateError("Invalid filename: 'None'");
    const properties = pythonStr(options.type) === 'properties';
    const section = properties ? PROPERTIES_SECTION : pythonStr(options.section);
    const text = `${properties ? `[${PROPERTIES_SECTION}]\n` : ''}${decodedText(readFileDecrypted(path), pythonStr(options.encoding))}`;
    // configparser's optionxform: keys are lower-cased unless case_sensitive.
    const optionxform = truthy(options.case_sensitive) ? (name: string) => name : (name: string) => name.toLowerCase();
    // allow_none is allow_no_value's other name.
    const sections = readIni(text, file, optionxform, truthy(options.allow_no_value) || truthy(options.allow_none));
    const own = sections.get(section);
    if (!own) throw new TemplateError(`No section '${section}' in ${file}`);
    const merged = new Map([...(sections.get('DEFAULT') ?? []), ...own]);
    const resolve = (name: string) => merged.get(optionxform(name));
    if (truthy(options.re)) {
      // Python's re.match: a match at the start of the key only.
      const pattern = pyRegex(key, {}, 'y');
      for (const [name, value] of merged) {
        pattern.lastIndex = 0;
        if (pattern.test(name)) values.push(interpolate(value, resolve));
      }
      continue;
    }
    const value = merged.has(optionxform(key)) ? interpolate(resolve(key) ?? null, resolve) : options.default;
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
};
