import { randomInt } from 'node:crypto';
import { defineModule, ModuleFailure } from '../contract.js';
import { pathInfo, parseStat, STAT_FORMAT_SH } from '../shared/file-stat.js';
import { runHostScript } from '../shared/host-script.js';

interface TempfileArgs {
  state: 'file' | 'directory';
  path?: string;
  prefix: string;
  suffix: string;
}

/** Python's tempfile names: eight characters from this set between prefix and suffix. */
const NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789_';

const randomName = (): string => Array.from({ length: 8 }, () => NAME_CHARACTERS[randomInt(NAME_CHARACTERS.length)]).join('');

/**
 * $1 state, $2 folder ('' for $TMPDIR or /tmp), then candidate names: the first that does not exist yet is
 * created, readable by its owner only (as mkstemp and mkdtemp do), and its status printed.
 */
const CREATE_SCRIPT = `${STAT_FORMAT_SH}state=$1 dir=$2; shift 2
case $dir in '') dir=\${TMPDIR:-/tmp} ;; '~') dir=$HOME ;; '~/'*) dir=$HOME/\${dir#'~/'} ;; esac
for name do
  p=$dir/$name
  if [ "$state" = directory ]; then mkdir -m 700 -- "$p" 2>/dev/null && created=1 || created=
  else (umask 077; set -C; : > "$p") 2>/dev/null && created=1 || created=; fi
  if [ -n "$created" ]; then printf 'path=%s\\nstat=%s\\n' "$p" "$(stat -c "$F" -- "$p")"; exit 0; fi
  [ -e "$p" ] || [ -L "$p" ] || break
done
if [ ! -e "$dir" ]; then e='[Errno 2] No such file or directory'
elif [ ! -d "$dir" ]; then e='[Errno 20] Not a directory'
else e='[Errno 13] Permission denied'; fi
printf "error=%s: '%s'\\n" "$e" "$p"
`;

export default defineModule<TempfileArgs, undefined>({
  name: 'tempfile',
  examples: `
- name: Make a scratch directory
  ansible.builtin.tempfile:
    state: directory
    suffix: build
  register: scratch
`,
  returns: {
    path: { type: 'str', returned: 'success', description: 'The path of the file or directory created.', sample: '/tmp/ansible.abc123build' },
  },
  schema: {
    description: 'Creates a temporary file or directory on the host and returns its path.',
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { enum: ['file', 'directory'], default: 'file', description: 'Whether a file or a directory is created.' },
      path: { type: 'string', description: "The directory it is created in (the system's temporary directory when not given)." },
      prefix: { type: 'string', default: 'ansible.', description: 'The start of its name.' },
      suffix: { type: 'string', default: '', description: 'The end of its name.' },
    },
  },

  async read() {
    return undefined;
  },

  plan(args, _state, ctx) {
    if (ctx.check) return { changed: false, skip: 'remote module (tempfile) does not support check mode' };
    return {
      changed: true,
      apply: async () => {
        const names = Array.from({ length: 10 }, () => `${args.prefix}${randomName()}${args.suffix}`);
        const { sections } = await runHostScript(ctx.connection, CREATE_SCRIPT, [args.state, args.path ?? '', ...names]);
        const output = sections[0];
        const error = output.get('error');
        if (error !== undefined) throw new ModuleFailure(error);
        const path = output.get('path') ?? '';
        return { changed: true, path, ...pathInfo(parseStat(output.get('stat'))) };
      },
    };
  },
});
