import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import { readControllerFile } from './lib/controller-file.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { planPut, readPut, type PutRequest, type PutState } from '../shared/put-file.js';
import { pythonJson } from '../shared/python-json.js';

interface CopyArgs extends AttributeArgs {
  src?: string;
  content?: unknown;
  dest: string;
  backup: boolean;
  force: boolean;
  remote_src: boolean;
  follow: boolean;
}

function putRequest(ctx: ModuleContext, args: CopyArgs): PutRequest {
  const common = { dest: args.dest, attributes: args, backup: args.backup, force: args.force, follow: args.follow };
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
      remote_src: { type: 'boolean', default: false, description: 'Whether src is a path on the host rather than on the controller.' },
      follow: { type: 'boolean', default: false, description: 'Whether a dest that is a symbolic link is followed and its target written.' },
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },
  read: (ctx, args) => readPut(ctx, putRequest(ctx, args)),
  plan: (_args, state, ctx) => planPut(state, ctx),
});
