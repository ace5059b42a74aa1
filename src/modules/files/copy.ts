import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planPut, readPut, type PutRequest, type PutState } from '../shared/put-file.js';
import { pythonJson } from './lib/python-json.js';

interface CopyArgs extends AttributeArgs {
  src?: string;
  content?: unknown;
  dest: string;
  backup: boolean;
  force: boolean;
  remote_src: boolean;
  follow: boolean;
  validate?: string;
}

function putRequest(ctx: ModuleContext, args: CopyArgs): PutRequest {
  const common = { dest: args.dest, attributes: args, backup: args.backup, force: args.force, follow: args.follow, validate: validateCommand(args.validate, 'copy') };
  if (args.src !== undefined && args.content !== undefined) throw new ModuleFailure('src and content are mutually exclusive');
  if (args.content !== undefined) {
    // Ansible writes structured content (a dict or list from a template) as JSON.
    const text = typeof args.content === 'string' ? args.content : pythonJson(args.content);
    return { ...common, content: Buffer.from(text, 'utf8') };
  }
  if (args.src === undefined) throw new ModuleFailure('src (or content) is required');
  if (args.remote_src) return { ...common, remoteSource: args.src, basename: posix.basename(args.src), sourceLabel: args.src };
  const file = readControllerFile(ctx, 'files', args.src);
  return { ...common, content: file.content, basename: posix.basename(args.src), sourceLabel: file.path, sourceMode: file.mode };
}

export default defineModule<CopyArgs, PutState>({
  name: 'copy',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      src: { type: 'string' },
      content: { type: ['string', 'object', 'array'] },
      dest: { type: 'string', minLength: 1 },
      backup: { type: 'boolean', default: false },
      force: { type: 'boolean', default: true },
      remote_src: { type: 'boolean', default: false },
      follow: { type: 'boolean', default: false },
      ...VALIDATE_PROPERTY,
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: (ctx, args) => readPut(ctx, putRequest(ctx, args)),
  plan: (_args, state, ctx) => planPut(state, ctx),
});
