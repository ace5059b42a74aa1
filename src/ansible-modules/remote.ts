import type { Connection, ExecResult } from '../connection/types.js';
import { shellScript } from '../connection/quote.js';

/**
 * Runs a new-style module from the zip on stdin: the zip is written into a 0700 temp folder (zipimport needs a
 * file), put first on sys.path, and the module started as __main__ with its arguments; the folder goes after.
 */
const NEW_STYLE_BOOTSTRAP = `import os, runpy, shutil, sys, tempfile
data = sys.stdin.buffer.read() if hasattr(sys.stdin, 'buffer') else sys.stdin.read()
cut = data.index(b'\\n')
work = tempfile.mkdtemp(prefix='betif_')
try:
    payload = os.path.join(work, 'payload.zip')
    with open(payload, 'wb') as out:
        out.write(data[cut + 1:])
    sys.path.insert(0, payload)
    from ansible.module_utils import basic
    basic._ANSIBLE_ARGS = data[:cut]
    runpy.run_module(sys.argv[1], run_name='__main__', alter_sys=True)
finally:
    shutil.rmtree(work, True)
`;

/**
 * Runs any other module file (old-style, WANT_JSON, binary): the file and its arguments file go into a 0700 temp
 * folder, the module runs with the arguments file as its one argument, the folder goes after.
 */
const FILE_BOOTSTRAP = `import json, os, shutil, subprocess, sys, tempfile
data = sys.stdin.buffer.read() if hasattr(sys.stdin, 'buffer') else sys.stdin.read()
cut = data.index(b'\\n')
head = json.loads(data[:cut].decode('utf-8'))
work = tempfile.mkdtemp(prefix='betif_')
try:
    module = os.path.join(work, head['name'])
    with open(module, 'wb') as out:
        out.write(data[cut + 1:])
    os.chmod(module, 0o700)
    args = os.path.join(work, 'args')
    with open(args, 'wb') as out:
        out.write(head['args'].encode('utf-8'))
    command = [sys.executable if word == '{python}' else word for word in head['command']]
    sys.stdout.flush()
    rc = subprocess.call(command + [module, args])
finally:
    shutil.rmtree(work, True)
sys.exit(rc)
`;

/** Ansible 2.14's interpreter discovery fallbacks (auto_silent: the first that exists, no warning). */
export const PYTHON_CANDIDATES = ['/usr/bin/python3', '/usr/libexec/platform-python', 'python3', 'python3.11', 'python3.10', 'python3.9', 'python2.7', '/usr/bin/python', 'python'];
const NO_PYTHON = 'betif-play: no python interpreter found';
const DISCOVER = `code=$1; shift; for p in ${PYTHON_CANDIDATES.map((p) => `'${p}'`).join(' ')}; do if command -v "$p" >/dev/null 2>&1; then exec "$p" -c "$code" "$@"; fi; done; echo '${NO_PYTHON}' >&2; exit 127`;

export class NoPythonError extends Error {}

/** ansible_python_interpreter when it names one (unset, empty or auto*: Ansible's discovery decides). */
export function chosenInterpreter(interpreter: unknown): string | undefined {
  return typeof interpreter === 'string' && interpreter.trim() !== '' && !interpreter.startsWith('auto') ? interpreter.trim() : undefined;
}

/** The argv that starts `code` in the host's python: ansible_python_interpreter when set, else discovery. */
function pythonCommand(interpreter: unknown, code: string, args: string[]): string[] {
  const chosen = chosenInterpreter(interpreter);
  if (chosen) return [...chosen.split(/\s+/), '-c', code, ...args];
  return shellScript(DISCOVER, [code, ...args]);
}

function missingPython(result: ExecResult, interpreter: unknown): string | undefined {
  if (result.rc !== 127 && result.rc !== 126) return undefined;
  if (result.stderr.includes(NO_PYTHON)) return `no Python found on the host (looked for ${PYTHON_CANDIDATES.join(', ')}); install python3 there or set ansible_python_interpreter`;
  if (typeof interpreter === 'string' && /not found|No such file|cannot execute|Permission denied/.test(result.stderr)) {
    return `the Python interpreter '${interpreter}' (ansible_python_interpreter) cannot be run on the host: ${result.stderr.trim()}`;
  }
  return undefined;
}

async function runPython(connection: Connection, interpreter: unknown, code: string, args: string[], stdin: Buffer): Promise<ExecResult> {
  const result = await connection.exec(pythonCommand(interpreter, code, args), { stdin });
  const missing = missingPython(result, interpreter);
  if (missing) throw new NoPythonError(missing);
  return result;
}

export function runNewStyle(connection: Connection, interpreter: unknown, dottedName: string, argsJson: string, zip: Uint8Array): Promise<ExecResult> {
  return runPython(connection, interpreter, NEW_STYLE_BOOTSTRAP, [dottedName], Buffer.concat([Buffer.from(`${argsJson}\n`), zip]));
}

export interface FileModule {
  name: string;
  bytes: Buffer;
  /** Arguments file content. */
  args: string;
  /** The program that runs the file ({python} for the host's python, empty for a binary). */
  command: string[];
}

export function runFileModule(connection: Connection, interpreter: unknown, module: FileModule): Promise<ExecResult> {
  const head = JSON.stringify({ name: module.name, args: module.args, command: module.command });
  return runPython(connection, interpreter, FILE_BOOTSTRAP, [], Buffer.concat([Buffer.from(`${head}\n`), module.bytes]));
}
