import type { CommandOutcome } from './command-batch.js';
import type { InstalledPackage } from './dnf-spec.js';

/** dnf's own error lines (`Error: ...`), or whatever it printed. */
export function dnfError(outcome: CommandOutcome): string {
  const errors = outcome.stderr.split('\n').filter((line) => /^(Error|Problem)/.test(line.trim()));
  return (errors.length ? errors.join('\n') : outcome.stderr.trim() || outcome.stdout.trim() || `exit code ${outcome.rc}`).trim();
}

/** The `--qf` format parseRpmQuery reads; misses print "package X is not installed" instead. */
export const RPM_QUERY_FORMAT = 'installed\\t%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';

export function parseRpmQuery(stdout: string): InstalledPackage[] {
  const installed: InstalledPackage[] = [];
  for (const line of stdout.split('\n')) {
    const fields = line.split('\t');
    if (fields[0] !== 'installed' || fields.length !== 6) continue;
    const [, name, epoch, version, release, arch] = fields;
    installed.push({ name, epoch: /^\d+$/.test(epoch) ? Number(epoch) : 0, version, release, arch });
  }
  return installed;
}

/** The `Key : value` blocks of `dnf module info`, continuation lines (`      : value`) appended to the key. */
function fieldBlocks(stdout: string): Map<string, string[]>[] {
  const blocks: Map<string, string[]>[] = [];
  let block: Map<string, string[]> | undefined;
  let key = '';
  for (const line of stdout.split('\n')) {
    const field = /^(\S[^:]*?)\s*: ?(.*)$/.exec(line);
    const continued = /^\s+: ?(.*)$/.exec(line);
    if (field && field[1] !== 'Hint') {
      if (!block || (field[1] === 'Name' && block.has('Name'))) blocks.push((block = new Map()));
      key = field[1];
      block.set(key, [...(block.get(key) ?? []), field[2].trim()]);
    } else if (continued && block) {
      block.get(key)?.push(continued[1].trim());
    } else if (line.trim() === '') {
      block = undefined;
    }
  }
  return blocks;
}

export interface ModuleStream {
  stream: string;
  enabled: boolean;
  defaultProfiles: string[];
  /** name-epoch:version-release.arch of every package the stream ships. */
  artifacts: string[];
}

/** `dnf module info NAME`: one block per stream (and version/context). */
export function parseModuleInfo(stdout: string): ModuleStream[] {
  return fieldBlocks(stdout)
    .filter((block) => block.has('Stream'))
    .map((block) => {
      const streamField = block.get('Stream')?.[0] ?? '';
      const defaults = block.get('Default profiles')?.[0] ?? '';
      return {
        stream: streamField.split(/\s+/)[0],
        enabled: /\[e\]/.test(streamField),
        defaultProfiles: defaults.split(/[\s,]+/).filter(Boolean),
        artifacts: (block.get('Artifacts') ?? []).filter(Boolean),
      };
    });
}

/** `dnf module info --profile NAME`: stream -> profile -> package names. */
export function parseModuleProfiles(stdout: string): Map<string, Map<string, string[]>> {
  const streams = new Map<string, Map<string, string[]>>();
  for (const block of fieldBlocks(stdout)) {
    const stream = (block.get('Name')?.[0] ?? '').split(':')[1];
    if (stream === undefined) continue;
    const profiles = streams.get(stream) ?? new Map<string, string[]>();
    for (const [profile, packages] of block) {
      if (profile !== 'Name') profiles.set(profile, [...new Set([...(profiles.get(profile) ?? []), ...packages.filter(Boolean)])]);
    }
    streams.set(stream, profiles);
  }
  return streams;
}

export interface GroupName {
  name: string;
  id?: string;
}

/** `dnf -v group list --installed`: the indented `Name (id)` lines. */
export function parseInstalledGroups(stdout: string): GroupName[] {
  return stdout
    .split('\n')
    .filter((line) => /^\s+\S/.test(line))
    .map((line) => {
      const match = /^\s+(.*?)(?: \(([^()\s]+)\))?\s*$/.exec(line);
      return { name: match?.[1] ?? line.trim(), id: match?.[2] };
    });
}

/** One package in a resolved transaction. `replaced` is an old version that an upgrade or downgrade takes out. */
export type StepKind = 'installed' | 'upgraded' | 'downgraded' | 'reinstalled' | 'removed' | 'replaced';

export interface TransactionStep {
  kind: StepKind;
  name: string;
  arch: string;
  /** name-[epoch:]version-release.arch */
  nevra: string;
}

const STEP_KINDS: Record<string, StepKind> = {
  installed: 'installed',
  obsoleting: 'installed',
  'an upgrade': 'upgraded',
  'a downgrade': 'downgraded',
  reinstalled: 'reinstalled',
  erased: 'removed',
  obsoleted: 'removed',
  upgraded: 'replaced',
  downgraded: 'replaced',
};

/** The `---> Package NAME.ARCH EVR will be ...` lines dnf -v prints while resolving (dry run or real). */
export function parseTransaction(stdout: string): TransactionStep[] {
  const steps: TransactionStep[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^---> Package (\S+)\.([^.\s]+) (\S+) will be (.+?)\s*$/.exec(line);
    const kind = match && STEP_KINDS[match[4]];
    if (!match || !kind) continue;
    const [, name, arch, evr] = match;
    steps.push({ kind, name, arch, nevra: `${name}-${evr}.${arch}` });
  }
  return steps;
}
