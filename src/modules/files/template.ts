import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import { templateVars } from '../../template/template-vars.js';
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
    throw new ModuleFailure(`${args.src}: ${(error as Error).message}`);
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
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1 },
      dest: { type: 'string', minLength: 1 },
      backup: { type: 'boolean', default: false },
      force: { type: 'boolean', default: true },
      follow: { type: 'boolean', default: false },
      newline_sequence: { type: 'string', default: '\n' },
      trim_blocks: { type: 'boolean', default: true },
      lstrip_blocks: { type: 'boolean', default: false },
      block_start_string: { type: 'string' },
      block_end_string: { type: 'string' },
      variable_start_string: { type: 'string' },
      variable_end_string: { type: 'string' },
      comment_start_string: { type: 'string' },
      comment_end_string: { type: 'string' },
      output_encoding: { type: 'string', enum: ['utf-8', 'utf8'], default: 'utf-8' },
      ...VALIDATE_PROPERTY,
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: (ctx, args) => readPut(ctx, render(ctx, args)),
  plan: (_args, state, ctx) => planPut(state, ctx),
});
