import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import { templateVars } from '../../template/template-vars.js';
import { ansibleErrorText, TemplateError } from '../../template/errors.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planPut, readPut, type PutRequest, type PutState } from '../shared/put-file.js';

interface TemplateArgs extends AttributeArgs {
  src: string;
  dest: string;
  backup: boolean;
  force: boolean;
  follow: boolean;
  newline_sequence: string;
  trim_blocks: boolean;
  lstrip_blocks: boolean;
  block_start_string?: string;
  block_end_string?: string;
  variable_start_string?: string;
  variable_end_string?: string;
  comment_start_string?: string;
  comment_end_string?: string;
  output_encoding: string;
  validate?: string;
}

/** Ansible also accepts the escaped spellings ("\\n"). */
const NEWLINES: Record<string, string> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

function render(ctx: ModuleContext, args: TemplateArgs): PutRequest {
  const newline = NEWLINES[args.newline_sequence];
  if (newline === undefined) throw new ModuleFailure('newline_sequence needs to be one of: \\n, \\r or \\r\\n');
  const file = readControllerFile(ctx, 'templates', args.src);
  let text: string;
  try {
    text = ctx.render(file.content.toString('utf8'), {
      vars: templateVars(args.src, file.path, args.dest),
      includePaths: [posix.dirname(file.path)],
      trimBlocks: args.trim_blocks,
      lstripBlocks: args.lstrip_blocks,
      tags: {
        blockStart: args.block_start_string,
        blockEnd: args.block_end_string,
        variableStart: args.variable_start_string,
        variableEnd: args.variable_end_string,
        commentStart: args.comment_start_string,
        commentEnd: args.comment_end_string,
      },
    });
  } catch (error) {
    if (error instanceof ModuleFailure) throw error;
    throw new ModuleFailure(error instanceof TemplateError ? ansibleErrorText(error) : `AnsibleError: ${(error as Error).message}`);
  }
  if (newline !== '\n') text = text.replace(/\r\n|\r|\n/g, newline);
  return {
    dest: args.dest,
    attributes: args,
    backup: args.backup,
    force: args.force,
    follow: args.follow,
    content: Buffer.from(text, 'utf8'),
    basename: posix.basename(args.src),
    sourceLabel: file.path,
    sourceMode: file.mode,
    validate: validateCommand(args.validate, 'copy'),
  };
}

export default defineModule<TemplateArgs, PutState>({
  name: 'template',
  noAsync: true,
  examples: `
- name: Render the nginx site
  ansible.builtin.template:
    src: site.conf.j2
    dest: /etc/nginx/sites-enabled/site.conf
    owner: root
    mode: '0644'
    backup: true
`,
  returns: {
    dest: { type: 'str', returned: 'success', description: 'The path that was written.' },
    checksum: { type: 'str', returned: 'success', description: 'SHA1 checksum of the rendered file.' },
    backup_file: { type: 'str', returned: 'changed and backup is set', description: 'The copy of the old file.' },
    size: { type: 'int', returned: 'success', description: 'The size of the file in bytes.' },
    mode: { type: 'str', returned: 'success', description: 'The permissions of the file.' },
  },
  requiredMessages: { src: 'src and dest are required', dest: 'src and dest are required' },
  schema: {
    description: 'Renders a Jinja2 template from the controller and writes the result to a file on the host.',
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: "The template file on the controller (searched in the role's templates/)." },
      dest: { type: 'string', minLength: 1, description: 'The path on the host the rendered file is written to.' },
      backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is replaced.' },
      force: { type: 'boolean', default: true, description: 'Whether an existing file with different content is replaced.' },
      follow: { type: 'boolean', default: false, description: 'Whether a dest that is a symbolic link is followed and its target written.' },
      newline_sequence: { type: 'string', default: '\n', description: 'The line ending of the rendered file.' },
      trim_blocks: { type: 'boolean', default: true, description: 'Whether the first newline after a block tag is removed.' },
      lstrip_blocks: { type: 'boolean', default: false, description: 'Whether spaces and tabs before a block tag on its line are removed.' },
      block_start_string: { type: 'string', description: 'The string that opens a block tag (default {%).' },
      block_end_string: { type: 'string', description: 'The string that closes a block tag (default %}).' },
      variable_start_string: { type: 'string', description: 'The string that opens an expression (default {{).' },
      variable_end_string: { type: 'string', description: 'The string that closes an expression (default }}).' },
      comment_start_string: { type: 'string', description: 'The string that opens a comment (default {#).' },
      comment_end_string: { type: 'string', description: 'The string that closes a comment (default #}).' },
      output_encoding: { type: 'string', enum: ['utf-8', 'utf8'], default: 'utf-8', description: 'The character encoding of the written file.' },
      ...VALIDATE_PROPERTY,
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: (ctx, args) => readPut(ctx, render(ctx, args)),
  plan: (_args, state, ctx) => planPut(state, ctx),
});
