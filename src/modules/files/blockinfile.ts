import { defineModule, ModuleFailure } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { placeBlock } from './lib/block-edit.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { toByteString } from '../shared/python-regex.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planTextEdit, readTextFile, type TextFile } from './lib/text-edit.js';

interface BlockInFileArgs extends AttributeArgs {
  path: string;
  state: 'present' | 'absent';
  block?: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  backup: boolean;
  validate?: string;
}

const ALIASES = { path: ['dest', 'destfile', 'name'], block: ['content'] };

function canonical(raw: Record<string, unknown>): BlockInFileArgs {
  const args = foldAliases<BlockInFileArgs>(raw, ALIASES);
  if (args.insertafter !== undefined && args.insertbefore !== undefined) throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
  return args;
}

function message(file: TextFile, text: string, removed: boolean): string {
  if (!file.exists) return 'File created';
  if (text === file.text) return '';
  return removed ? 'Block removed' : 'Block inserted';
}

export default defineModule<Record<string, unknown>, TextFile>({
  name: 'blockinfile',
  examples: `
- name: Keep a block of host entries
  ansible.builtin.blockinfile:
    path: /etc/hosts
    block: |
      10.0.0.10 db1
      10.0.0.11 db2
    marker: "# {mark} DATABASES"

- name: Remove the block again
  ansible.builtin.blockinfile:
    path: /etc/hosts
    marker: "# {mark} DATABASES"
    state: absent
`,
  returns: {
    msg: { type: 'str', returned: 'always', description: 'What was done (Block inserted / Block removed).' },
    backup: { type: 'str', returned: 'changed and backup is set', description: 'The copy of the old file.' },
  },
  schema: {
    description: 'Inserts, updates or removes a block of lines between marker lines in a file.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1, description: 'The file to change.' },
        state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the block is present or absent.' },
        block: { type: 'string', description: 'The lines between the markers (empty removes the block).' },
        marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'The marker line template; {mark} is replaced with marker_begin and marker_end.' },
        marker_begin: { type: 'string', default: 'BEGIN', description: 'The text put for {mark} in the first marker line.' },
        marker_end: { type: 'string', default: 'END', description: 'The text put for {mark} in the last marker line.' },
        insertafter: { type: 'string', description: 'Where a new block goes - after the last line matching this regular expression, or EOF.' },
        insertbefore: { type: 'string', description: 'Where a new block goes - before the last line matching this regular expression, or BOF.' },
        create: { type: 'boolean', default: false, description: 'Whether a missing file is created.' },
        backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is changed.' },
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
    const present = args.state === 'present';
    if (!file.exists) {
      if (!args.create) throw new ModuleFailure(`Path ${args.path} does not exist !`, { rc: 257 });
      if (!present) return { changed: false, result: { msg: `File ${args.path} not present` } };
    }
    const block = toByteString(args.block ?? '');
    const text = placeBlock(file.exists ? file.text : undefined, {
      present,
      block,
      marker: toByteString(args.marker),
      markerBegin: toByteString(args.marker_begin),
      markerEnd: toByteString(args.marker_end),
      insertAfter: args.insertafter,
      insertBefore: args.insertbefore,
    });
    const changed = !file.exists || text !== file.text;
    const msg = message(file, text, !present || block === '');
    return planTextEdit(file, { text, changed, msg }, { attributes: args, backup: args.backup, backupKey: 'backup_file', validate: validateCommand(args.validate, 'edit') }, ctx);
  },
});
