import { parseKeyValueArgs } from '../playbook/kv.js';
import { readFileDecrypted } from '../vault/active.js';
import { TemplateError } from './errors.js';
import { decodedText, findInSearchPath } from './lookup-files.js';
import type { Keywords, Lookup } from './lookup-types.js';
import { pythonStr } from './python-repr.js';

const DEFAULTS: Keywords = { file: 'ansible.csv', delimiter: 'TAB', encoding: 'utf-8', default: null, col: '1' };

/**
 * Rows as Python's csv.reader reads them with the excel dialect: a field that starts with a quote runs to the
 * closing quote (a doubled quote is one quote, delimiters and line breaks inside are kept); a quote anywhere else
 * is an ordinary character; a blank line is an empty row.
 */
export function readCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let state: 'start' | 'field' | 'quoted' | 'quote' = 'start';
  const endField = () => {
    row.push(field);
    field = '';
    state = 'start';
  };
  const endRow = () => {
    if (state !== 'start' || row.length > 0) endField();
    rows.push(row);
    row = [];
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    const lineEnd = char === '\n' || char === '\r';
    if (state === 'quoted') {
      if (char === '"') state = 'quote';
      else field += char;
    } else if (state === 'quote' && char === '"') {
      field += '"';
      state = 'quoted';
    } else if (char === delimiter) {
      endField();
    } else if (lineEnd) {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endRow();
    } else if (state === 'start' && char === '"') {
      state = 'quoted';
    } else {
      field += char;
      state = 'field';
    }
  }
  if (state !== 'start' || row.length > 0) endRow();
  return rows;
}

/** Ansible's csvfile lookup: for each key, the `col` field of the first row whose first field is the key. */
export const csvfile: Lookup = (terms, keywords) => {
  const values: unknown[] = [];
  for (const term of terms.map(pythonStr)) {
    const given = parseKeyValueArgs(term, '_raw_params');
    const key = given._raw_params;
    if (key === undefined) throw new TemplateError('Search key is required but was not found');
    const options: Keywords = { ...DEFAULTS, ...keywords };
    for (const [name, value] of Object.entries(given)) {
      if (name === '_raw_params') continue;
      if (!(name in DEFAULTS)) throw new TemplateError(`${name} is not a valid option`);
      options[name] = value;
    }
    const delimiter = pythonStr(options.delimiter) === 'TAB' ? '\t' : pythonStr(options.delimiter);
    const path = findInSearchPath(pythonStr(options.file), 'files');
    if (path === undefined) throw new TemplateError(`csvfile: [Errno 2] No such file or directory: '${pythonStr(options.file)}'`);
    const row = readCsv(decodedText(readFileDecrypted(path), pythonStr(options.encoding)), delimiter).find((fields) => fields.length > 0 && fields[0] === pythonStr(key));
    let value: unknown = options.default;
    if (row) {
      const column = Number(pythonStr(options.col));
      if (!Number.isInteger(column)) throw new TemplateError(`csvfile: invalid literal for int() with base 10: '${pythonStr(options.col)}'`);
      const field = row.at(column);
      if (field === undefined) throw new TemplateError('csvfile: list index out of range');
      value = field;
    }
    if (Array.isArray(value)) values.push(...value);
    else if (value !== null && value !== undefined) values.push(value);
  }
  return values;
};
