import { defineModule, ModuleFailure } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { ensureLineAbsent, ensureLinePresent, readLines, type LineEdit } from './lib/line-edit.js';
import { toByteString } from '../shared/python-regex.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planTextEdit, readTextFile, type TextFile } from './lib/text-edit.js';

interface LineInFileArgs extends AttributeArgs {
  path: string;
  state: 'present' | 'absent';
  line?: string;
  regexp?: string;
  search_string?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  create: boolean;
  backup: boolean;
  firstmatch: boolean;
  validate?: string;
}

const ALIASES = { path: ['dest', 'destfile', 'name'], regexp: ['regex'], line: ['value'] };

const MUTUALLY_EXCLUSIVE: [keyof LineInFileArgs, keyof LineInFileArgs][] = [
  ['insertbefore', 'insertafter'],
  ['regexp', 'search_string'],
  ['backrefs', 'search_string'],
];

function canonical(raw: Record<string, unknown>): LineInFileArgs {
  const args = foldAliases<LineInFileArgs>(raw, ALIASES);
  for (const [one, other] of MUTUALLY_EXCLUSIVE) {
    if (args[one] !== undefined && args[one] !== false && args[other] !== undefined) throw new ModuleFailure(`parameters are mutually exclusive: ${one}|${other}`);
  }
  if (args.state === 'absent' && args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
    throw new ModuleFailure('one of line, search_string, or regexp is required with state=absent');
  }
  if (args.state === 'present' && args.backrefs && args.regexp === undefined) throw new ModuleFailure('regexp is required with backrefs=true');
  if (args.state === 'present' && args.line === undefined) throw new ModuleFailure('line is required with state=present');
  return args;
}

function edit(args: LineInFileArgs, file: TextFile): LineEdit {
  const lines = readLines(file.text);
  const line = args.line === undefined ? undefined : toByteString(args.line);
  const searchString = args.search_string === undefined ? undefined : toByteString(args.search_string);
  if (args.state === 'absent' || line === undefined) return ensureLineAbsent(lines, { line, regexp: args.regexp, searchString });
  const noPlacement = args.insertafter === undefined && args.insertbefore === undefined;
  return ensureLinePresent(lines, {
    line,
    regexp: args.regexp,
    searchString,
    insertAfter: noPlacement ? 'EOF' : args.insertafter,
    insertBefore: args.insertbefore,
    backrefs: args.backrefs,
    firstMatch: args.firstmatch,
  });
}

/** Ansible warns that an empty regexp or search_string matches every line (and so replaces the last one). */
function emptyPatternWarnings(args: { regexp?: string; search_string?: string }): string[] {
  if (args.regexp !== '' && args.search_string !== '') return [];
  const risk = 'which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.';
  if (args.regexp === '') return [`The regular expression is an empty string, ${risk} If this is desired, use '^' to match every line in the file and avoid this warning.`];
  return [`The search string is an empty string, ${risk}`];
}

export default defineModule<Record<string, unknown>, TextFile>({
  name: 'lineinfile',
  examples: `
- name: Turn SELinux to enforcing
  ansible.builtin.lineinfile:
    path: /etc/selinux/config
    regexp: '^SELINUX='
    line: SELINUX=enforcing

- name: Remove a sudoers line
  ansible.builtin.lineinfile:
    path: /etc/sudoers
    regexp: '^%wheel'
    state: absent
`,
  returns: {
    msg: { type: 'str', returned: 'always', description: 'What was done (line added, line replaced, 1 line(s) removed ...).' },
    backup: { type: 'str', returned: 'changed and backup is set', description: 'The copy of the old file.' },
    found: { type: 'int', returned: 'state is absent', description: 'How many lines were removed.' },
  },
  schema: {
    description: 'Makes sure one line is in a file (or is not), replacing the line a regular expression finds.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1, description: 'The file to change.' },
        state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the line is present or absent.' },
        line: { type: 'string', description: "The line to put in the file (with backrefs, may use the regexp's groups)." },
        regexp: { type: 'string', description: 'A regular expression for the line to replace (present) or the lines to remove (absent).' },
        search_string: { type: 'string', description: 'A literal string for the line to replace or remove, instead of regexp.' },
        insertafter: { type: 'string', description: 'Where a new line goes - after the last line matching this regular expression, or EOF.' },
        insertbefore: { type: 'string', description: 'Where a new line goes - before the last line matching this regular expression, or BOF.' },
        backrefs: { type: 'boolean', default: false, description: "Whether line expands the regexp's groups, and the file is left alone when regexp matches nothing." },
        create: { type: 'boolean', default: false, description: 'Whether a missing file is created.' },
        backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is changed.' },
        firstmatch: { type: 'boolean', default: false, description: 'Whether insertafter and insertbefore use the first matching line instead of the last.' },
        ...VALIDATE_PROPERTY,
        ...FILE_ATTRIBUTE_PROPERTIES,
      },
      ALIASES,
    ),
  },
  read: (ctx, raw) => {
    const args = canonical(raw);
    return readTextFile(ctx, args.path, args);
  },
  plan: (raw, file, ctx) => {
    const args = canonical(raw);
    if (!file.exists) {
      if (args.state === 'absent') return { changed: false, result: { msg: 'file not present' } };
      if (!args.create) throw new ModuleFailure(`Destination ${args.path} does not exist !`, { rc: 257 });
    }
    const { lines, changed, msg, found } = edit(args, file);
    const warnings = emptyPatternWarnings(args);
    const result = { ...(args.state === 'absent' ? { found } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
    return planTextEdit(file, { text: lines.join(''), changed, msg, result }, { attributes: args, backup: args.backup, backupKey: 'backup', validate: validateCommand(args.validate, 'edit') }, ctx);
  },
});
