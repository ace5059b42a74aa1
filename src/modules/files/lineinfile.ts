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

export default defineModule<Record<string, unknown>, TextFile>({
  name: 'lineinfile',
  schema: {
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1 },
        state: { enum: ['present', 'absent'], default: 'present' },
        line: { type: 'string' },
        regexp: { type: 'string' },
        search_string: { type: 'string' },
        insertafter: { type: 'string' },
        insertbefore: { type: 'string' },
        backrefs: { type: 'boolean', default: false },
        create: { type: 'boolean', default: false },
        backup: { type: 'boolean', default: false },
        firstmatch: { type: 'boolean', default: false },
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
    const result = args.state === 'absent' ? { found } : {};
    return planTextEdit(file, { text: lines.join(''), changed, msg, result }, { attributes: args, backup: args.backup, backupKey: 'backup', validate: validateCommand(args.validate, 'edit') }, ctx);
  },
});
