import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompatCase } from './case.js';
import type { RunOutcome } from './compare.js';
import { parseOutput } from './output.js';

/**
 * Bumped whenever what the harness records of a run changes meaning: the ansible.cfg it runs with, how output
 * is normalized (`normalizeOutput`), how host files are snapshotted. Every reference then goes stale and runs live.
 */
export const NORMALIZATION_VERSION = 1;

// Compiled to dist/test/compat/harness/: the references stay in the source tree.
const REFERENCE_DIR = fileURLToPath(new URL('../../../../test/compat/reference/', import.meta.url));

/** What a reference is valid for: the case's files, the harness's normalization and ansible-core's version. */
export interface ReferenceKey {
  caseHash: string;
  normalization: number;
  ansibleCore: string;
}

interface RecordedRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  /** The host-files snapshot, entry by entry in snapshot order. */
  files: [string, string][];
  seconds: number;
}

interface Reference extends ReferenceKey {
  case: string;
  runs: RecordedRun[];
}

/** ansible-core's version as `ansible-playbook --version` prints it (`2.14.18`), or `none` when it cannot run. */
export async function ansibleCoreVersion(): Promise<string> {
  const result = await execa('/usr/bin/ansible-playbook', ['--version'], { reject: false, stdin: 'ignore' });
  return /core ([\w.]+)\]/.exec(result.stdout ?? '')?.[1] ?? 'none';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A hash of everything of the case that ansible-playbook sees: the case folder's files and the project files its setup copies. */
export function caseHash(compatCase: CompatCase): string {
  const hash = createHash('sha256');
  const add = (name: string, path: string) => hash.update(`${name}\0${readFileSync(path).toString('base64')}\0`);
  for (const path of filesUnder(compatCase.dir)) add(relative(compatCase.dir, path), path);
  for (const file of compatCase.spec.setup) if (file.source) add(`setup:${file.path}`, file.source);
  return hash.digest('hex');
}

export function referenceKey(compatCase: CompatCase, ansibleCore: string): ReferenceKey {
  return { caseHash: caseHash(compatCase), normalization: NORMALIZATION_VERSION, ansibleCore };
}

const pathOf = (compatCase: CompatCase) => join(REFERENCE_DIR, `${compatCase.name}.json`);

/** ansible-playbook's recorded runs of the case, when a reference exists for exactly this key; otherwise undefined. */
export function loadReference(compatCase: CompatCase, key: ReferenceKey): RunOutcome[] | undefined {
  const path = pathOf(compatCase);
  if (!existsSync(path)) return undefined;
  const reference = JSON.parse(readFileSync(path, 'utf8')) as Reference;
  if (reference.caseHash !== key.caseHash || reference.normalization !== key.normalization || reference.ansibleCore !== key.ansibleCore) return undefined;
  return reference.runs.map((run) => ({ ...run, parsed: parseOutput(run.stdout, '<case>'), files: new Map(run.files) }));
}

/** Writes ansible-playbook's runs of the case as its reference (outputs already normalized by the suite). */
export function writeReference(compatCase: CompatCase, key: ReferenceKey, outcomes: RunOutcome[]): void {
  const reference: Reference = {
    case: compatCase.name,
    ...key,
    runs: outcomes.map((outcome) => ({
      args: outcome.args,
      code: outcome.code,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      files: [...outcome.files],
      seconds: Math.round(outcome.seconds * 10) / 10,
    })),
  };
  const path = pathOf(compatCase);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(reference, null, 1)}\n`);
}
