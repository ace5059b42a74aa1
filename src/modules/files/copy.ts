import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import { planFolderCopy, readFolderCopy, type CopyArgs, type FolderCopy } from './lib/copy-folder.js';
import { planRemoteFolderCopy, readRemoteFolderCopy, type RemoteFolderCopy } from './lib/remote-folder-copy.js';
import { validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { planPut, readPut, type PutRequest, type PutState } from '../shared/put-file.js';
import { pythonJson } from '../shared/python-json.js';
import { expandHostPaths } from '../shared/expand-host-paths.js';

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
  const file = readControllerFile(ctx, 'files', args.src, args.decrypt);
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

/**
 * An empty src is no src (as Ansible: "src (or content) is required"); dest, and a src on the host, are paths
 * there, with $HOME and ~ expanded as the module on the host (run as the become user) expands them.
 */
async function hostPaths(ctx: ModuleContext, givenArgs: CopyArgs): Promise<CopyArgs> {
  const args = givenArgs.src === '' ? { ...givenArgs, src: undefined } : givenArgs;
  const srcOnHost = args.remote_src && args.src !== undefined;
  const [dest, src] = await expandHostPaths(ctx.connection, srcOnHost ? [args.dest, args.src as string] : [args.dest]);
  return { ...args, dest, ...(srcOnHost ? { src } : {}) };
}

type CopyState = { file: PutState } | { folder: FolderCopy } | { remoteFolder: RemoteFolderCopy };

/** With remote_src, a folder src on the host (none for a file): betif-play copies its content, permissions and owner/group. */
async function remoteFolder(ctx: ModuleContext, args: CopyArgs): Promise<RemoteFolderCopy | undefined> {
  if (!args.remote_src || args.src === undefined || args.content !== undefined) return undefined;
  const found = await readRemoteFolderCopy(ctx.connection, { src: args.src, dest: args.dest, followLinks: args.local_follow === true, owner: args.owner, group: args.group });
  // mode=preserve is what the folder copy does anyway: each copy keeps its source's permissions.
  const unsupported = (['mode', 'backup', 'validate'] as const).filter((key) => args[key] !== undefined && args[key] !== false && !(key === 'mode' && args.mode === 'preserve'));
  if (found && unsupported.length > 0) throw new ModuleFailure(`copy of a folder with remote_src does not support ${unsupported.join(', ')} in betif-play`);
  return found;
}

export default defineModule<CopyArgs, CopyState>({
  name: 'copy',
  noAsync: true,
  examples: `
- name: Install a configuration file with owner and mode
  ansible.builtin.copy:
    src: files/app.conf
    dest: /etc/app/app.conf
    owner: root
    group: root
    mode: '0644'
    backup: true

- name: Write a file from text
  ansible.builtin.copy:
    content: "listen {{ app_port }}\\n"
    dest: /etc/app/listen.conf
`,
  returns: {
    dest: { type: 'str', returned: 'success', description: 'The path that was written.', sample: '/etc/app/app.conf' },
    src: { type: 'str', returned: 'changed', description: 'The temporary source file on the host (when a file was sent).' },
    checksum: { type: 'str', returned: 'success', description: 'SHA1 checksum of the file after the copy.' },
    md5sum: { type: 'str', returned: 'when supported', description: 'MD5 checksum of the file after the copy.' },
    backup_file: { type: 'str', returned: 'changed and backup is set', description: 'The copy of the old file.' },
    size: { type: 'int', returned: 'success', description: 'The size of the file in bytes.' },
    mode: { type: 'str', returned: 'success', description: 'The permissions of the file.', sample: '0644' },
    owner: { type: 'str', returned: 'success', description: 'The owner of the file.' },
    group: { type: 'str', returned: 'success', description: 'The group of the file.' },
    uid: { type: 'int', returned: 'success', description: "The owner's user id." },
    gid: { type: 'int', returned: 'success', description: 'The group id.' },
    state: { type: 'str', returned: 'success', description: 'The kind of path (file).' },
  },
  requiredMessages: { dest: 'dest is required' },
  schema: {
    description: 'Copies a file from the controller (or, with remote_src, from the host itself) or given content to a path on the host.',
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      src: { type: 'string', description: "The file to copy, on the controller (searched in the role's files/) unless remote_src is set." },
      content: { type: ['string', 'object', 'array'], description: 'The text the file gets instead of src; a mapping or list is written as JSON.' },
      dest: { type: 'string', minLength: 1, description: 'The path on the host the file is copied to; a directory gets the file under its source name.' },
      backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is replaced.' },
      force: { type: 'boolean', default: true, description: 'Whether an existing file with different content is replaced (false copies only when dest is missing).' },
      decrypt: { type: 'boolean', default: true, description: 'Whether a vault-encrypted src on the controller is decrypted before it is copied (false copies the vault text as it is).' },
      remote_src: { type: 'boolean', default: false, description: 'Whether src is a path on the host rather than on the controller (a file, or a folder copied with its permissions).' },
      follow: { type: 'boolean', default: false, description: 'Whether a dest that is a symbolic link is followed and its target written.' },
      local_follow: {
        type: 'boolean',
        description:
          'Whether symlinks inside a copied folder are followed (their targets copied) or made as symlinks: a controller folder follows them unless this is false; a folder on the host (remote_src) follows them only when this is true, as Ansible\'s module does.',
      },
      directory_mode: {
        type: ['string', 'integer'],
        description: 'The mode of the folders made when copying a folder (the folders inside it always, the ones above only when new); without it they get the default permissions.',
      },
      ...VALIDATE_PROPERTY,
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: async (ctx, givenArgs) => {
    const args = await hostPaths(ctx, givenArgs);
    const onHost = await remoteFolder(ctx, args);
    if (onHost) return { remoteFolder: onHost };
    const folder = controllerFolder(ctx, args);
    if (folder === undefined) return { file: await readPut(ctx, putRequest(ctx, args)) };
    // As rsync: "dir/" copies what is inside dir, "dir" the folder itself.
    return { folder: await readFolderCopy(ctx, args, folder, args.src?.endsWith('/') ?? false, validateCommand(args.validate, 'copy')) };
  },
  plan: (_args, state, ctx) => {
    if ('remoteFolder' in state) return planRemoteFolderCopy(state.remoteFolder, ctx.connection);
    return 'folder' in state ? planFolderCopy(state.folder, ctx) : planPut(state.file, ctx);
  },
});
