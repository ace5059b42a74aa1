import { defineModule, ModuleFailure } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { compilePythonRegex, expandTemplate } from '../shared/python-regex.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planTextEdit, readTextFile, type TextFile } from './lib/text-edit.js';
import { bufferEncoding } from '../../python/codecs.js';

interface ReplaceArgs extends AttributeArgs {
  path: string;
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  backup: boolean;
  validate?: string;
  encoding: string;
}

const ALIASES = { path: ['dest', 'destfile', 'name'] };

function knownEncoding(encoding: string): BufferEncoding {
  const known = bufferEncoding(encoding);
  if (!known) throw new ModuleFailure(`unsupported encoding: ${encoding} (supported: utf-8, latin-1, ascii, utf-16-le)`);
  return known;
}

function decode(file: TextFile, encoding: BufferEncoding): string {
  const bytes = Buffer.from(file.text, 'latin1');
  if (encoding === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ModuleFailure(`Unable to read the contents of ${file.path}: it is not valid utf-8`);
    }
  }
  return bytes.toString(encoding);
}

/** Python's re.subn over the whole text: every match replaced, \1 and \g<name> expanded. */
function substitute(pattern: RegExp, template: string, text: string): { text: string; count: number } {
  let out = '';
  let last = 0;
  let count = 0;
  for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
    out += text.slice(last, match.index) + expandTemplate(template, match as RegExpExecArray);
    last = match.index + match[0].length;
    count += 1;
  }
  return { text: out + text.slice(last), count };
}

interface Section {
  start: number;
  end: number;
}

/** The part between `after` and `before` (Python: re.search with DOTALL, the group "subsection"). */
function sectionOf(args: ReplaceArgs, contents: string): { section?: Section; pattern: string } {
  const after = args.after || undefined;
  const before = args.before || undefined;
  if (!after && !before) return { section: { start: 0, end: contents.length }, pattern: '' };
  const pattern = after && before ? `${after}(?P<subsection>.*?)${before}` : after ? `${after}(?P<subsection>.*)` : `(?P<subsection>.*)${before}`;
  const regex = compilePythonRegex(pattern, after && before ? 'after/before' : after ? 'after' : 'before', { text: true, flags: 's' });
  const match = new RegExp(regex.source, `${regex.flags}d`).exec(contents);
  const indices = match?.indices?.groups?.subsection;
  return { section: indices ? { start: indices[0], end: indices[1] } : undefined, pattern };
}

export default defineModule<Record<string, unknown>, TextFile>({
  name: 'replace',
  examples: `
- name: Point every URL at the new host
  ansible.builtin.replace:
    path: /etc/app/app.conf
    regexp: 'old\\.example\\.com'
    replace: new.example.com

- name: Comment out a section's settings
  ansible.builtin.replace:
    path: /etc/app/app.conf
    after: '\\[legacy\\]'
    before: '\\[main\\]'
    regexp: '^(\\w)'
    replace: '# \\1'
`,
  returns: {
    msg: { type: 'str', returned: 'always', description: 'How many replacements were made.' },
    backup_file: { type: 'str', returned: 'changed and backup is set', description: 'The copy of the old file.' },
  },
  schema: {
    description: 'Replaces every match of a regular expression in a file.',
    type: 'object',
    additionalProperties: false,
    required: ['regexp'],
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1, description: 'The file to change.' },
        regexp: { type: 'string', description: 'The Python regular expression to replace (multiline mode).' },
        replace: { type: 'string', default: '', description: "The replacement text; \\1 and \\g<name> refer to the regexp's groups." },
        after: { type: 'string', description: 'Only text after the first match of this regular expression is changed.' },
        before: { type: 'string', description: 'Only text before the first match of this regular expression is changed.' },
        backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is changed.' },
        encoding: { type: 'string', default: 'utf-8', description: 'The character encoding of the file.' },
        ...VALIDATE_PROPERTY,
        ...FILE_ATTRIBUTE_PROPERTIES,
      },
      ALIASES,
    ),
  },

  async read(ctx, raw) {
    const args = foldAliases<ReplaceArgs>(raw, ALIASES);
    knownEncoding(args.encoding);
    const file = await readTextFile(ctx, args.path, args);
    if (!file.exists) throw new ModuleFailure(`Path ${args.path} does not exist !`, { rc: 257 });
    return file;
  },

  plan(raw, file, ctx) {
    const args = foldAliases<ReplaceArgs>(raw, ALIASES);
    const encoding = knownEncoding(args.encoding);
    const contents = decode(file, encoding);
    const { section, pattern } = sectionOf(args, contents);
    if (!section) {
      return { changed: false, result: { rc: 0, msg: `Pattern for before/after params did not match the given file: ${pattern}` } };
    }
    const original = contents.slice(section.start, section.end);
    const replaced = substitute(compilePythonRegex(args.regexp, 'regexp', { text: true, flags: 'm' }), args.replace, original);
    const changed = replaced.count > 0 && replaced.text !== original;
    const text = contents.slice(0, section.start) + replaced.text + contents.slice(section.end);
    return planTextEdit(
      file,
      { text: Buffer.from(text, encoding).toString('latin1'), changed, msg: changed ? `${replaced.count} replacements made` : '', result: { rc: 0 } },
      {
        attributes: args,
        backup: args.backup,
        backupKey: 'backup_file',
        contentHeader: args.path,
        attributeDiff: false,
        validate: validateCommand(args.validate, 'edit'),
      },
      ctx,
    );
  },
});
