import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../contract.js';
import { probePaths, type PathProbe } from '../shared/probe.js';
import { normpath } from './lib/find-walk.js';

interface FetchArgs {
  src: string;
  dest: string;
  flat: boolean;
  fail_on_missing: boolean;
  validate_checksum: boolean;
}

interface FetchState {
  /** Where the file goes on the controller. */
  dest: string;
  /** The controller copy's SHA-1, when there is one. */
  localChecksum?: string;
  remote: PathProbe;
}

const digest = (algorithm: 'sha1' | 'md5', content: Buffer): string => createHash(algorithm).update(content).digest('hex');

/** Ansible's layout: DEST/<inventory_hostname>/<src path>, or with flat DEST itself (DEST/ + the file's name). */
function localDest(args: FetchArgs, ctx: ModuleContext): string {
  const base = String(ctx.vars.playbook_dir ?? process.cwd());
  if (!args.flat) return normpath(`${isAbsolute(args.dest) ? args.dest : join(base, args.dest)}/${ctx.host}/${args.src}`);
  if (existsSync(args.dest) && statSync(args.dest).isDirectory() && !args.dest.endsWith('/')) {
    throw new ModuleFailure('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
  }
  const dest = args.dest.endsWith('/') ? join(args.dest, args.src.slice(args.src.lastIndexOf('/') + 1)) : args.dest;
  return normpath(isAbsolute(dest) ? dest : join(base, dest));
}

function localChecksum(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? digest('sha1', readFileSync(path)) : undefined;
  } catch {
    return undefined;
  }
}

/** A file the target does not have: a failure, or (fail_on_missing: false) only a message. */
function missing(args: FetchArgs, msg: string): Plan {
  if (args.fail_on_missing) throw new ModuleFailure(msg);
  return { changed: false, result: { file: args.src, msg } };
}

/** An action on the controller: the target's file is read in one round trip and written under dest here. */
export default defineModule<FetchArgs, FetchState>({
  name: 'fetch',
  noAsync: true,
  examples: `
- name: Collect every host's sshd_config
  ansible.builtin.fetch:
    src: /etc/ssh/sshd_config
    dest: collected/

- name: Fetch one file to a fixed name
  ansible.builtin.fetch:
    src: /var/log/app.log
    dest: "logs/{{ inventory_hostname }}.log"
    flat: true
`,
  returns: {
    dest: { type: 'str', returned: 'success', description: 'The file written on the controller.' },
    checksum: { type: 'str', returned: 'success', description: 'SHA1 checksum of the file.' },
    remote_checksum: { type: 'str', returned: 'success', description: 'SHA1 checksum of the file on the host.' },
    file: { type: 'str', returned: 'when the file is missing', description: 'The path that was looked for.' },
  },
  requiredMessages: { src: 'src and dest are required', dest: 'src and dest are required' },
  typeMessages: { src: 'Invalid type supplied for source option, it must be a string', dest: 'Invalid type supplied for dest option, it must be a string' },
  schema: {
    description: 'Copies a file from the host to the controller, under a folder per host unless flat is set.',
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: 'The file on the host to fetch (a file, not a directory).' },
      dest: { type: 'string', minLength: 1, description: 'The controller folder (or, with flat, file) the file is stored under.' },
      flat: { type: 'boolean', default: false, description: 'Whether dest is used as it is instead of dest/HOST/SRC.' },
      fail_on_missing: { type: 'boolean', default: true, description: 'Whether a missing src fails the task.' },
      validate_checksum: { type: 'boolean', default: true, description: "Whether the fetched file's checksum is compared with the host's." },
    },
  },

  async read(ctx, args) {
    if (ctx.check) return { dest: '', remote: { path: args.src } as PathProbe };
    const dest = localDest(args, ctx);
    const local = localChecksum(dest);
    const probe = await probePaths(ctx.connection, [args.src], { content: true, checksum: 'sha1', knownChecksum: local });
    return { dest, localChecksum: local, remote: probe.paths[0] };
  },

  plan(args, { dest, localChecksum: local, remote }, ctx) {
    if (ctx.check) return { changed: false, skip: 'check mode not (yet) supported for this module' };
    if (!remote.stat) return missing(args, 'the remote file does not exist, not transferring, ignored');
    if (remote.stat.kind === 'directory') {
      if (args.fail_on_missing) throw new ModuleFailure('remote file is a directory, fetch cannot work on directories');
      return { changed: false, result: { msg: 'remote file is a directory, fetch cannot work on directories, not transferring, ignored' } };
    }
    const remoteChecksum = remote.checksum;
    if (remoteChecksum !== undefined && remoteChecksum === local) {
      return { changed: false, result: { md5sum: digest('md5', readFileSync(dest)), file: args.src, dest, checksum: local } };
    }
    if (remote.content === undefined) return missing(args, `file is not readable: ${args.src}`);
    const content = remote.content;
    return {
      changed: true,
      apply: async () => {
        mkdirSync(join(dest, '..'), { recursive: true });
        writeFileSync(dest, content);
        const written = readFileSync(dest);
        const checksum = digest('sha1', written);
        const sums = { md5sum: digest('md5', written), remote_md5sum: null, checksum, remote_checksum: remoteChecksum ?? digest('sha1', content) };
        if (args.validate_checksum && checksum !== sums.remote_checksum) throw new ModuleFailure('checksum mismatch', { file: args.src, dest, ...sums });
        return { changed: true, dest, ...sums };
      },
    };
  },
});
