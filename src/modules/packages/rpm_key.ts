import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { decodeBase64Text, runHostScript } from '../shared/host-script.js';

interface RpmKeyArgs {
  key: string;
  state: 'present' | 'absent';
  fingerprint?: string;
  validate_certs: boolean;
}

interface RpmKeyState {
  keyid: string;
  imported: boolean;
  /** The key file on the host (a URL's download is kept in a temp file until the task ends). */
  keyfile?: string;
}

type KeySource = 'url' | 'keyid' | 'path';

/*
 * Arguments: SOURCE KEY INSECURE. The key (downloaded, or the file given) is listed by gpg in a
 * throwaway GNUPGHOME, and so are the keys rpm has imported (gpg-pubkey packages). A downloaded
 * key stays in a temp file for the import; its path is printed.
 */
const READ_SCRIPT = [
  'export LC_ALL=C',
  'source=$1 key=$2 insecure=$3',
  'home=$(mktemp -d) || exit 1',
  'trap \'rm -rf -- "$home"\' EXIT',
  'export GNUPGHOME="$home"',
  'b64() { base64 -w0; }',
  'gpg_list() { gpg --no-tty --batch --with-colons --fixed-list-mode --with-fingerprint "$@"; }',
  'file=',
  'case $source in',
  '  url)',
  '    file=$(mktemp) || exit 1',
  '    if command -v curl >/dev/null 2>&1; then err=$(curl -fsSL ${insecure:+-k} -o "$file" -- "$key" 2>&1)',
  '    else err=$(wget -q ${insecure:+--no-check-certificate} -O "$file" -- "$key" 2>&1); fi',
  '    if [ $? -ne 0 ]; then rm -f -- "$file"; printf "fetch_error=%s\\n" "$(printf %s "$err" | b64)"; exit 0; fi',
  '    echo "downloaded=$file" ;;',
  '  path)',
  '    [ -f "$key" ] || { echo invalid=1; exit 0; }',
  '    file=$key ;;',
  'esac',
  'if [ -n "$file" ]; then',
  '  grep -q -- "-----BEGIN PGP PUBLIC KEY BLOCK-----" "$file" || echo not_pubkey=1',
  '  out=$(gpg_list -- "$file" 2>&1) || { printf "gpg_error=%s\\n" "$(printf %s "$out" | b64)"; exit 0; }',
  '  printf "key=%s\\n" "$(printf %s "$out" | b64)"',
  'fi',
  'if rpm -q gpg-pubkey >/dev/null 2>&1; then',
  '  printf "imported=%s\\n" "$(rpm -q gpg-pubkey --qf "%{description}" | gpg_list - 2>/dev/null | b64)"',
  'fi',
].join('\n');

function sourceOf(key: string): KeySource {
  if (key.includes('://')) return 'url';
  if (/^(0x)?[0-9a-f]{8}/i.test(key)) return 'keyid';
  return 'path';
}

function normalizeKeyid(keyid: string): string {
  const upper = keyid.trim().toUpperCase();
  return upper.startsWith('0X') ? upper.slice(2) : upper;
}

/** The given field of the first gpg --with-colons line of this type (pub: field 5 is the key id, fpr: field 10 the fingerprint). */
function colonField(listing: string, type: string, index: number): string | undefined {
  return listing.split('\n').map((line) => line.trim()).find((line) => line.startsWith(`${type}:`))?.split(':')[index];
}

async function removeDownload(connection: Connection, state: RpmKeyState, args: RpmKeyArgs): Promise<void> {
  if (state.keyfile !== undefined && sourceOf(args.key) === 'url') await connection.exec(['rm', '-f', '--', state.keyfile]);
}

async function runRpm(connection: Connection, argv: string[]): Promise<void> {
  const { rc, stderr } = await connection.exec(argv, { env: { LC_ALL: 'C' } });
  if (rc !== 0) throw new ModuleFailure(stderr.trim() || `${argv.join(' ')} failed with exit code ${rc}`);
}

/** ansible.builtin.rpm_key: a GPG key in rpm's database, from a file on the host, a URL, or (to remove) its key id. */
export default defineModule<RpmKeyArgs, RpmKeyState>({
  name: 'rpm_key',
  examples: `
- name: Import the EPEL key
  ansible.builtin.rpm_key:
    key: https://dl.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-9
    fingerprint: FF8A D134 4597 106E CE81 3B91 8A38 72BF 3228 467C
`,
  returns: {
  },
  schema: {
    description: "Imports or removes a GPG key in rpm's database.",
    type: 'object',
    properties: {
      key: { type: 'string', minLength: 1, description: 'The key - a URL, a file on the host, or a key id (for state=absent).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the key is imported (present) or removed (absent).' },
      fingerprint: { type: 'string', minLength: 1, description: 'The fingerprint the key must have; a different key fails the task.' },
      validate_certs: { type: 'boolean', default: true, description: 'Whether the HTTPS certificate of a key URL is checked.' },
    },
    required: ['key'],
    additionalProperties: false,
  },

  async read(ctx, args) {
    const source = sourceOf(args.key);
    const { sections } = await runHostScript(ctx.connection, READ_SCRIPT, [source, args.key, args.validate_certs ? '' : '1']);
    const [record] = sections;
    const text = (key: string) => decodeBase64Text(record.get(key)) ?? '';
    if (record.has('fetch_error')) throw new ModuleFailure(`failed to fetch key at ${args.key} , error was: ${text('fetch_error').trim()}`);
    if (record.has('invalid')) throw new ModuleFailure(`Not a valid key ${args.key}`);
    const state: RpmKeyState = { keyid: '', imported: false, keyfile: record.get('downloaded') ?? (source === 'path' ? args.key : undefined) };
    if (record.has('not_pubkey') && source === 'url') {
      await removeDownload(ctx.connection, state, args);
      throw new ModuleFailure(`Not a public key: ${args.key}`);
    }
    if (record.has('gpg_error')) throw new ModuleFailure(text('gpg_error').trim());
    const listing = text('key');
    const keyid = source === 'keyid' ? args.key : colonField(listing, 'pub', 4);
    if (keyid === undefined) throw new ModuleFailure('Unexpected gpg output');
    state.keyid = normalizeKeyid(keyid);
    state.imported = text('imported').split('\n').some((line) => (line.split(':')[4] ?? '').includes(state.keyid) && state.keyid !== '');
    if (args.state === 'present' && !state.imported) {
      if (state.keyfile === undefined) throw new ModuleFailure('When importing a key, a valid file must be given');
      const wanted = args.fingerprint?.replace(/ /g, '').toUpperCase();
      const actual = colonField(listing, 'fpr', 9);
      if (wanted !== undefined && wanted !== actual) {
        await removeDownload(ctx.connection, state, args);
        throw new ModuleFailure(`The specified fingerprint, '${wanted}', does not match the key fingerprint '${actual}'`);
      }
    }
    if (ctx.check || (args.state === 'present') === state.imported) await removeDownload(ctx.connection, state, args);
    return state;
  },

  plan(args, state, ctx) {
    if ((args.state === 'present') === state.imported) return { changed: false };
    return {
      changed: true,
      apply: async () => {
        try {
          if (args.state === 'present') await runRpm(ctx.connection, ['rpm', '--import', state.keyfile ?? '']);
          else await runRpm(ctx.connection, ['rpm', '--erase', '--allmatches', `gpg-pubkey-${state.keyid.slice(-8).toLowerCase()}`]);
        } finally {
          await removeDownload(ctx.connection, state, args);
        }
        return {};
      },
    };
  },
});
