import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { shellScript } from '../../connection/quote.js';
import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { splitCommandLine } from '../shared/split-command.js';

interface ScriptArgs {
  cmd: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  executable?: string;
}

interface ScriptState {
  /** Why the script is not run (creates exists, removes does not). */
  skip?: string;
  source: string;
  content: Buffer;
  /** The command text after the script's path (shell code, as in Ansible). */
  after: string;
}

/** $1 creates, $2 removes: prints which of them exist (test -e, no globbing, as Ansible checks them). */
const EXISTS_SCRIPT = `[ -n "$1" ] && [ -e "$1" ] && echo creates=yes; [ -n "$2" ] && [ -e "$2" ] && echo removes=yes; exit 0`;

/**
 * $1 the script's file name, $2 chdir, $3 the command line with "$BETIF_SCRIPT" where the script's
 * path goes; the script comes base64-encoded on stdin, into a private temp folder removed afterwards.
 */
const RUN_SCRIPT = `d=$(mktemp -d "\${TMPDIR:-/tmp}/betif-script.XXXXXXXX") || exit 1
trap 'rm -rf -- "$d"' EXIT
BETIF_SCRIPT=$d/$1
base64 -d > "$BETIF_SCRIPT" && chmod 700 "$BETIF_SCRIPT" || exit 1
export BETIF_SCRIPT
if [ -n "$2" ]; then cd -- "$2" || exit 1; fi
/bin/sh -c "$3" < /dev/null
`;

/** Where the first shell word of the text ends (quotes and backslashes kept together), so the whole word is replaced. */
function firstWordEnd(text: string): number {
  let quote = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quote) {
      if (char === quote) quote = '';
      else if (char === '\\' && quote === '"') index += 1;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '\\') index += 1;
    else if (/\s/.test(char)) return index;
  }
  return text.length;
}

function readScript(path: string, source: string): Buffer {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    return readFileSync(path);
  } catch {
    throw new ModuleFailure(`Could not find or access '${source}' on the Ansible Controller.`);
  }
}

/** Copies a controller script to the target and runs it there: its arguments are shell text, as in Ansible. */
export default defineModule<ScriptArgs, ScriptState>({
  name: 'script',
  noAsync: true,
  examples: `
- name: Run a local script with arguments
  ansible.builtin.script: files/setup.sh --quiet

- name: Run a Python script once
  ansible.builtin.script:
    cmd: files/migrate.py
    executable: python3
    creates: /var/lib/app/migrated
`,
  returns: {
    rc: { type: 'int', returned: 'always', description: "The script's exit code." },
    stdout: { type: 'str', returned: 'always', description: 'What the script wrote to standard output.' },
    stderr: { type: 'str', returned: 'always', description: 'What the script wrote to standard error.' },
    stdout_lines: { type: 'list', returned: 'always', description: 'stdout split into lines.' },
  },
  freeForm: 'cmd',
  schema: {
    description: 'Copies a local script to the host and runs it there.',
    type: 'object',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', minLength: 1, description: 'The controller-side script path, followed by its arguments.' },
      creates: { type: 'string', description: 'A path on the host; when it already exists the script is not run.' },
      removes: { type: 'string', description: 'A path on the host; when it does not exist the script is not run.' },
      chdir: { type: 'string', description: 'The directory on the host to change into before running the script.' },
      executable: { type: 'string', description: 'The program that runs the script (e.g. python3), when it is not executable itself.' },
    },
  },

  async read(ctx, args) {
    const { stdout } = await (args.creates || args.removes
      ? ctx.connection.exec(shellScript(EXISTS_SCRIPT, [args.creates ?? '', args.removes ?? '']))
      : Promise.resolve({ stdout: '' }));
    const skip = args.creates && stdout.includes('creates=yes')
      ? `${args.creates} exists, matching creates option`
      : args.removes && !stdout.includes('removes=yes') ? `${args.removes} does not exist, matching removes option` : undefined;
    const text = args.cmd.trim();
    const source = splitCommandLine(text)[0];
    if (skip) return { skip, source, content: Buffer.alloc(0), after: '' };
    if (args.chdir && !args.chdir.startsWith('/')) throw new ModuleFailure(`chdir ${args.chdir} must be an absolute path for a Unix-aware remote node`);
    const content = readScript(ctx.findFile('files', source), source);
    return { source, content, after: text.slice(firstWordEnd(text)) };
  },

  plan(args, state, ctx) {
    if (state.skip) return { changed: false, skip: state.skip };
    if (ctx.check) {
      if (args.creates || args.removes) return { changed: true };
      return { changed: false, skip: 'Check mode is not supported for this task.' };
    }
    const executable = args.executable ? `${args.executable} ` : '';
    const command = `${executable}"$BETIF_SCRIPT"${state.after}`;
    return {
      changed: true,
      apply: async () => {
        const { rc, stdout, stderr } = await ctx.connection.exec(shellScript(RUN_SCRIPT, [basename(state.source), args.chdir ?? '', command]), { stdin: state.content.toString('base64') });
        const result: ModuleResult = { changed: true, rc, stdout, stderr };
        if (rc !== 0) throw new ModuleFailure('non-zero return code', result);
        return result;
      },
    };
  },
});
