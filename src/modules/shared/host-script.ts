import { shellScript } from '../../connection/quote.js';
import type { Connection } from '../../connection/types.js';
import { ModuleFailure } from '../contract.js';

/**
 * The `key=value` lines one section of a host script printed. Scripts start a new section with a
 * line `--` (one per path probed); values that may hold any byte are printed base64-encoded.
 */
export class HostRecord {
  constructor(private readonly entries: readonly (readonly [string, string])[]) {}

  get(key: string): string | undefined {
    return this.entries.find(([name]) => name === key)?.[1];
  }

  all(key: string): string[] {
    return this.entries.filter(([name]) => name === key).map(([, value]) => value);
  }

  has(key: string): boolean {
    return this.entries.some(([name]) => name === key);
  }
}

/** Splits script output into its header section (before the first `--`) and one section per `--`. */
export function parseHostOutput(stdout: string): HostRecord[] {
  const sections: [string, string][][] = [[]];
  for (const line of stdout.split('\n')) {
    if (line === '--') sections.push([]);
    else if (line.includes('=')) {
      const at = line.indexOf('=');
      sections[sections.length - 1].push([line.slice(0, at), line.slice(at + 1)]);
    }
  }
  return sections.map((entries) => new HostRecord(entries));
}

export interface HostOutput {
  sections: HostRecord[];
  /** Warnings the script printed while still succeeding. */
  stderr: string;
}

/** Runs a fixed sh script with user values as "$1" "$2" ...; a non-zero exit becomes a ModuleFailure. */
export async function runHostScript(connection: Connection, script: string, args: readonly string[], stdin?: string): Promise<HostOutput> {
  // Its output is parsed as key=value lines: the host may send it at once.
  const result = await connection.exec(shellScript(script, args), { stdin, linesOnly: true });
  if (result.rc !== 0) {
    const detail = result.stderr.trim() || result.stdout.trim() || `exit code ${result.rc}`;
    throw new ModuleFailure(detail, { rc: result.rc, stderr: result.stderr });
  }
  return { sections: parseHostOutput(result.stdout), stderr: result.stderr.trim() };
}

export function decodeBase64Text(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}
