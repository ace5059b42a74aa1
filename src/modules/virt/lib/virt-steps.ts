import { shellScript } from '../../../connection/quote.js';
import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type ModuleResult } from '../../contract.js';

/** One command of a libvirt change, run in order with the others; a failure stops the rest. */
export interface VirtStep {
  /** What the step does, for the failure message ("virsh setmem"). */
  what: string;
  argv: string[];
  stdin?: string;
  /** Added to the failure message (e.g. how to get past a driver that refuses the change). */
  hint?: string;
}

function virshArgv(uri: string, ...args: string[]): string[] {
  return ['virsh', '-c', uri, ...args];
}

export function virshStep(uri: string, command: string, args: string[], extra: Pick<VirtStep, 'hint'> = {}): VirtStep {
  return { what: `virsh ${command}`, argv: virshArgv(uri, command, ...args), ...extra };
}

/**
 * Runs "$@" --file=F with F a temp file holding stdin. virsh cannot read its XML from /dev/stdin when
 * stdin is a socket (as Node's child processes and some SSH servers give it), so the XML goes to a file.
 */
const WITH_FILE_SH = `f=$(mktemp) || exit 1
trap 'rm -f -- "$f"' EXIT
cat > "$f" || exit 1
"$@" --file="$f"
`;

/** A virsh command that takes an XML document with --file (define, net-define, attach-device ...). */
export function virshXmlStep(uri: string, command: string, args: string[], xml: string, extra: Pick<VirtStep, 'hint'> = {}): VirtStep {
  return { what: `virsh ${command}`, argv: shellScript(WITH_FILE_SH, virshArgv(uri, command, ...args)), stdin: xml, ...extra };
}

async function runSteps(connection: Connection, steps: readonly VirtStep[]): Promise<void> {
  for (const [index, step] of steps.entries()) {
    const { rc, stdout, stderr } = await connection.exec(step.argv, step.stdin === undefined ? {} : { stdin: step.stdin });
    if (rc === 0) continue;
    const detail = (stderr.trim() || stdout.trim() || `exit code ${rc}`).replace(/\n+/g, ' ');
    throw new ModuleFailure(`${step.what} failed: ${detail}${step.hint ? `. ${step.hint}` : ''}`, { changed: index > 0, rc, stderr, stdout });
  }
}

/** A plan's apply: the steps, in order. */
export function applySteps(connection: Connection, steps: readonly VirtStep[]): () => Promise<ModuleResult> {
  return async () => {
    await runSteps(connection, steps);
    return {};
  };
}
