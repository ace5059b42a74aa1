import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { pathInfo } from '../shared/file-stat.js';
import { decodeBase64Text, runHostScript } from '../shared/host-script.js';
import { probePaths } from '../shared/probe.js';
import { parsePasswd, type PasswdEntry } from './lib/accounts.js';
import { wantedKeyFile } from './lib/authorized-keys-state.js';

interface AuthorizedKeyArgs {
  user: string;
  key: string;
  path?: string;
  manage_dir: boolean;
  state: 'present' | 'absent';
  key_options?: string;
  exclusive: boolean;
  comment?: string;
  validate_certs: boolean;
  follow: boolean;
}

interface KeyFileState {
  user?: PasswdEntry;
  /** The file as read (the default under the user's home, or `path`). */
  keyfile: string;
  /** Where a write goes: the keyfile, or with follow its resolved target. */
  target: string;
  content: string;
  /** The keys, when `key` is a URL (fetched on the host, as Ansible does). */
  fetchedKey?: string;
  /** The file fields Ansible adds to a result that names a path (only when `path` is given). */
  pathFields: Record<string, unknown>;
}

async function pathFields(connection: Connection, path: string | undefined): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  const [probe] = (await probePaths(connection, [path])).paths;
  return probe.lstat ? pathInfo(probe.lstat) : {};
}

/*
 * The user, the key file and (for an http(s) key) the fetched keys, in one round trip. Arguments: user,
 * path ('' for the default), follow, the URL or ''.
 */
const READ_SCRIPT = `user=$1 path=$2 follow=$3 url=$4
if p=$(getent passwd -- "$user"); then
  echo "passwd=$(printf %s "$p" | base64 -w0)"
  if [ -z "$path" ]; then h=\${p#*:*:*:*:*:}; path=\${h%%:*}/.ssh/authorized_keys; fi
fi
[ -n "$path" ] || exit 0
echo "keyfile=$path"
target=$path
[ "$follow" = 1 ] && target=$(realpath -m -- "$path")
echo "target=$target"
[ -f "$target" ] && echo "content=$(base64 -w0 < "$target")"
if [ -n "$url" ]; then
  if k=$(curl -fsSL $( [ "$5" = 1 ] || echo -k ) -- "$url" | base64 -w0) && [ -n "$k" ]; then echo "fetched=$k"; else echo fetch_failed=1; fi
fi
exit 0
`;

/*
 * As Ansible writes the file: the .ssh folder (manage_dir) 0700 and the file 0600, both owned by the
 * user, then the content (stdin) moved into place from a temporary file beside it.
 */
const WRITE_SCRIPT = `file=$1 dir=$2 manage=$3 owner=$4
set -e
if [ "$manage" = 1 ]; then
  [ -d "$dir" ] || mkdir -m 700 -- "$dir"
  chown -- "$owner" "$dir"
  chmod 700 -- "$dir"
fi
if [ ! -e "$file" ]; then mkdir -p -- "\${file%/*}"; : > "$file"; fi
chown -- "$owner" "$file" 2>/dev/null || true
chmod 600 -- "$file" 2>/dev/null || true
tmp=$(mktemp -- "\${file%/*}/.authorized_keys.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
chown --reference="$file" -- "$tmp"
chmod --reference="$file" -- "$tmp"
mv -f -- "$tmp" "$file"
trap - EXIT
`;

function isUrl(key: string): boolean {
  return key.startsWith('http');
}

async function readKeyFile(connection: Connection, args: AuthorizedKeyArgs, check: boolean): Promise<KeyFileState> {
  const url = isUrl(args.key) ? args.key : '';
  const { sections } = await runHostScript(connection, READ_SCRIPT, [args.user, args.path ?? '', args.follow ? '1' : '0', url, args.validate_certs ? '1' : '0']);
  const record = sections[0];
  const user = parsePasswd(decodeBase64Text(record.get('passwd')));
  if (!user && !(check && args.path !== undefined)) {
    if (check) throw new ModuleFailure('Either user must exist or you must provide full path to key file in check mode');
    throw new ModuleFailure(`Failed to lookup user ${args.user}: "getpwnam(): name not found: '${args.user}'"`);
  }
  if (url && !record.has('fetched')) throw new ModuleFailure(`Error getting key from: ${url}`);
  const keyfile = record.get('keyfile') ?? '';
  return {
    user,
    keyfile,
    target: record.get('target') ?? keyfile,
    content: decodeBase64Text(record.get('content')) ?? '',
    fetchedKey: decodeBase64Text(record.get('fetched')),
    pathFields: await pathFields(connection, args.path),
  };
}

export default defineModule<AuthorizedKeyArgs, KeyFileState>({
  name: 'authorized_key',
  examples: `
- name: Let the deploy key in
  ansible.posix.authorized_key:
    user: deploy
    key: "{{ lookup('file', 'files/deploy.pub') }}"

- name: Only these keys, from the admin network
  ansible.posix.authorized_key:
    user: root
    key: https://github.com/admin.keys
    key_options: from="10.0.0.0/8"
    exclusive: true
`,
  returns: {
    user: { type: 'str', returned: 'success', description: 'The user.' },
    key: { type: 'str', returned: 'success', description: 'The keys.' },
    keyfile: { type: 'str', returned: 'success', description: 'The authorized_keys file.' },
    exclusive: { type: 'bool', returned: 'success', description: 'Whether other keys were removed.' },
  },
  namespace: 'ansible.posix',
  schema: {
    description: "Adds or removes SSH public keys in a user's authorized_keys file.",
    type: 'object',
    additionalProperties: false,
    required: ['user', 'key'],
    properties: {
      user: { type: 'string', minLength: 1, description: 'The user whose authorized_keys file is changed.' },
      key: { type: 'string', description: 'The public key(s), one per line, or a URL to read them from.' },
      path: { type: 'string', minLength: 1, description: 'The authorized_keys file (default ~USER/.ssh/authorized_keys).' },
      manage_dir: { type: 'boolean', default: true, description: 'Whether the .ssh directory is created and given safe permissions.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the keys are present or absent.' },
      key_options: { type: 'string', description: 'Options written before each key (from="...",no-agent-forwarding).' },
      exclusive: { type: 'boolean', default: false, description: 'Whether every other key is removed from the file.' },
      comment: { type: 'string', description: "A comment that replaces the key's own." },
      validate_certs: { type: 'boolean', default: true, description: 'Whether the HTTPS certificate of a key URL is checked.' },
      follow: { type: 'boolean', default: false, description: 'Whether a symbolic link at path is followed.' },
    },
  },
  read: (ctx, args) => readKeyFile(ctx.connection, args, ctx.check),
  plan: (args, state, ctx) => {
    const after = wantedKeyFile({ ...args, key: state.fetchedKey ?? args.key }, state.content);
    const result = { ...args, path: args.path ?? null, key_options: args.key_options ?? null, comment: args.comment ?? null, keyfile: state.keyfile, ...state.pathFields };
    if (after === undefined) return { changed: false, result };
    return {
      changed: true,
      diff: [{ before: state.content, after, beforeHeader: state.keyfile, afterHeader: state.target }],
      result,
      apply: async () => {
        const user = state.user as PasswdEntry;
        const sshDir = args.path === undefined ? posix.join(user.home, '.ssh') : posix.dirname(args.path);
        await runHostScript(ctx.connection, WRITE_SCRIPT, [state.target, sshDir, args.manage_dir ? '1' : '0', `${user.uid}:${user.gid}`], after);
        return pathFields(ctx.connection, args.path);
      },
    };
  },
});
