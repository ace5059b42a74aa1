import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { planPut, readPut, type PutRequest, type PutState } from '../shared/put-file.js';

interface TemplateArgs extends AttributeArgs {
  src: string;
  dest: string;
  backup: boolean;
  force: boolean;
  follow: boolean;
  newline_sequence: string;
}

/** Ansible also accepts the escaped spellings ("\\n"). */
const NEWLINES: Record<string, string> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

function render(ctx: ModuleContext, args: TemplateArgs): PutRequest {
  const newline = NEWLINES[args.newline_sequence];
  if (newline === undefined) throw new ModuleFailure('newline_sequence needs to be one of: \\n, \\r or \\r\\n');
  const file = readControllerFile(ctx, 'templates', args.src);
  let text: string;
  try {
    text = ctx.render(file.content.toString('utf8'));
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
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: (ctx, args) => readPut(ctx, render(ctx, args)),
  plan: (_args, state, ctx) => planPut(state, ctx),
});
