import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One option of a module as its DOCUMENTATION describes it. */
export interface OptionDoc {
  type?: string;
  required?: boolean;
  choices?: unknown[];
  aliases?: string[];
  elements?: string;
  no_log?: boolean;
}

export interface ModuleDocs {
  options: Record<string, OptionDoc>;
  /** False when a documentation fragment could not be read: the option list may be incomplete. */
  complete: boolean;
}

/** The text of a Python string literal assigned to NAME (a triple-quoted, optionally raw, string). */
export function stringConstant(source: string, name: string): string | undefined {
  const match = new RegExp(`^\\s*${name}\\s*=\\s*([rRuU]?)('''|""")`, 'm').exec(source);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  const end = source.indexOf(match[2], start);
  if (end < 0) return undefined;
  const text = source.slice(start, end);
  // Raw strings are taken as written; others only need the escapes documentation uses.
  return match[1].toLowerCase() === 'r' ? text : text.replace(/\\\n/g, '').replace(/\\(['"\\])/g, '$1');
}

function yamlOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const data = parse(text) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Where a fragment named in extends_documentation_fragment lives: ansible-core's, or a collection's. */
export interface FragmentPlaces {
  coreDir?: string;
  collectionDir(namespace: string, collection: string): string | undefined;
}

/** The options of a fragment: NAME or NAME.VARIABLE, short (ansible-core's) or fully qualified (a collection's). */
function fragmentOptions(reference: string, places: FragmentPlaces): Record<string, OptionDoc> | undefined {
  const parts = reference.split('.');
  const qualified = parts.length >= 3;
  const builtin = !qualified || (parts[0] === 'ansible' && parts[1] === 'builtin');
  const [name, variable = 'documentation'] = qualified ? parts.slice(2) : parts;
  const root = builtin ? places.coreDir : places.collectionDir(parts[0], parts[1]);
  if (!root) return undefined;
  const file = join(root, 'plugins', 'doc_fragments', `${name}.py`);
  if (!existsSync(file)) return undefined;
  const data = yamlOf(stringConstant(readFileSync(file, 'utf8'), variable.toUpperCase()));
  if (!data) return undefined;
  return (data.options as Record<string, OptionDoc> | undefined) ?? {};
}

/** The module's documented options, fragments merged in; undefined when it has no readable DOCUMENTATION. */
export function moduleDocs(source: string, places: FragmentPlaces): ModuleDocs | undefined {
  const data = yamlOf(stringConstant(source, 'DOCUMENTATION'));
  if (!data) return undefined;
  const options: Record<string, OptionDoc> = {};
  let complete = true;
  const fragments = data.extends_documentation_fragment;
  for (const reference of Array.isArray(fragments) ? fragments : fragments ? [fragments] : []) {
    const extra = fragmentOptions(String(reference), places);
    if (extra === undefined) complete = false;
    else Object.assign(options, extra);
  }
  const own = data.options;
  if (own && typeof own === 'object') Object.assign(options, own);
  return { options, complete };
}
