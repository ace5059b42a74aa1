import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import { planFolderCopy, readFolderCopy, type CopyArgs, type FolderCopy } from './lib/copy-folder.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planPut, readPut, type PutRequest, type PutState } from '../shared/put-file.js';
import { pythonJson } from './lib/python-json.js';

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

/** A controller `src` that is a folder, as found (none for a file, content, or remote_src). */
function controllerFolder(ctx: ModuleContext, args: CopyArgs): string | undefined {
  if (args.src === undefined || args.content !== undefined || args.remote_src) return undefined;
  const path = ctx.findFile('files', args.src.replace(/\/+$/, '') || '/');
  try {
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

type CopyState = { file: PutState } | { folder: FolderCopy };

export default defineModule<CopyArgs, CopyState>({
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
      local_follow: {
        type: 'boolean',
        default: true,
        description: 'Whether symlinks inside a copied controller folder are followed (their targets copied); when false they are made as symlinks on the host.',
      },
      directory_mode: {
        type: ['string', 'integer'],
        description: 'The mode of the folders made when copying a folder (the folders inside it always, the ones above only when new); without it they get the default permissions.',
      },
      ...VALIDATE_PROPERTY,
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: async (ctx, args) => {
    const folder = controllerFolder(ctx, args);
    if (folder === undefined) return { file: await readPut(ctx, putRequest(ctx, args)) };
    // As rsync: "dir/" copies what is inside dir, "dir" the folder itself.
    return { folder: await readFolderCopy(ctx, args, folder, args.src?.endsWith('/') ?? false, validateCommand(args.validate, 'copy')) };
  },
  plan: (_args, state, ctx) => ('folder' in state ? planFolderCopy(state.folder, ctx) : planPut(state.file, ctx)),
});
