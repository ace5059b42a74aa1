import { diffArrays } from 'diff';
import type { Counts, Expectation, Facet } from './case.js';
import type { FileSnapshot } from './host-files.js';
import type { ParsedOutput } from './output.js';

/** What one tool's run left: its exit code, output, and the files on the hosts. */
export interface RunOutcome {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  parsed: ParsedOutput;
  files: FileSnapshot;
  /** Wall-clock time of the tool's run. */
  seconds: number;
}

export interface Disagreement {
  facet: Facet;
  /** Which run of the case (0-based). */
  run: number;
  /** Lines as Ansible had them (`-`) and as betif-play had them (`+`). */
  detail: string;
}

function lineDiff(ansible: string[], betif: string[]): string {
  const out: string[] = [];
  for (const part of diffArrays(ansible, betif)) {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    const shown = mark === ' ' && part.value.length > 4 ? [part.value[0], '...', part.value.at(-1) as string] : part.value;
    for (const line of shown) out.push(`${mark} ${line}`);
  }
  return out.join('\n');
}

const json = (value: unknown) => JSON.stringify(value);

function itemSuffix(item: string | undefined): string {
  return item === undefined ? '' : ` (item=${item})`;
}

/** Each section as one line: its heading and its host lines, grouped by host in the order printed. */
function taskLines(parsed: ParsedOutput): string[] {
  return parsed.sections.map((section) => {
    const lines = [...section.lines].sort((a, b) => a.host.localeCompare(b.host));
    const shown = lines.map((line) => `${line.status} ${line.host}${itemSuffix(line.item)}${line.ignored ? ' ...ignoring' : ''}`);
    return `${section.heading}: ${shown.join(' | ')}`;
  });
}

function valueLines(parsed: ParsedOutput): string[] {
  return parsed.sections.flatMap((section) =>
    section.lines
      .filter((line) => line.value !== undefined && line.status !== 'included')
      .sort((a, b) => a.host.localeCompare(b.host))
      .map((line) => `${section.heading} ${line.host}${itemSuffix(line.item)}: ${json(line.value)}`),
  );
}

function diffLines(parsed: ParsedOutput): string[] {
  return parsed.sections.flatMap((section) =>
    section.lines
      .filter((line) => line.diff !== undefined)
      .sort((a, b) => a.host.localeCompare(b.host))
      .flatMap((line) => [`${section.heading} ${line.host}${itemSuffix(line.item)}:`, ...(line.diff as string).split('\n').map((text) => `  ${text}`)]),
  );
}

function recapLines(parsed: ParsedOutput): string[] {
  return Object.keys(parsed.recap)
    .sort()
    .map((host) => `${host}: ${Object.entries(parsed.recap[host]).map(([key, value]) => `${key}=${value}`).join(' ')}`);
}

function fileLines(files: FileSnapshot): string[] {
  return [...files.keys()].sort().map((key) => `${key} ${json(files.get(key))}`);
}

const FACET_LINES: Record<Facet, (run: RunOutcome) => string[]> = {
  exit: (run) => [`exit code ${run.code}`],
  recap: (run) => recapLines(run.parsed),
  files: (run) => fileLines(run.files),
  tasks: (run) => taskLines(run.parsed),
  values: (run) => valueLines(run.parsed),
  diffs: (run) => diffLines(run.parsed),
};

/** Every facet in which betif-play's run differs from Ansible's. */
export function compareRuns(run: number, ansible: RunOutcome, betif: RunOutcome): Disagreement[] {
  const found: Disagreement[] = [];
  for (const facet of Object.keys(FACET_LINES) as Facet[]) {
    const expected = FACET_LINES[facet](ansible);
    const actual = FACET_LINES[facet](betif);
    if (json(expected) !== json(actual)) found.push({ facet, run, detail: lineDiff(expected, actual) });
  }
  return found;
}

/** What an outcome fails of an expectation, as readable sentences. */
export function unmetExpectations(outcome: RunOutcome, expectation: Expectation): string[] {
  const unmet: string[] = [];
  if (expectation.exit !== undefined && outcome.code !== expectation.exit) unmet.push(`exit code ${outcome.code}, expected ${expectation.exit}`);
  for (const [host, counts] of Object.entries(expectation.recap ?? {})) {
    const actual = outcome.parsed.recap[host] as Counts | undefined;
    for (const [key, value] of Object.entries(counts)) {
      const seen = actual?.[key as keyof Counts];
      if (seen !== value) unmet.push(`${host} ${key}=${seen ?? '?'}, expected ${value}`);
    }
  }
  for (const pattern of expectation.output ?? []) {
    if (!new RegExp(pattern, 'm').test(outcome.stdout)) unmet.push(`output does not match /${pattern}/`);
  }
  for (const pattern of expectation.absent ?? []) {
    if (new RegExp(pattern, 'm').test(outcome.stdout)) unmet.push(`output matches /${pattern}/`);
  }
  for (const [key, content] of Object.entries(expectation.files ?? {})) {
    const seen = outcome.files.get(key);
    const seenContent = seen?.startsWith('file ') ? seen.slice(seen.indexOf('\n') + 1) : seen;
    if (content === null ? seen !== undefined : seenContent !== content) unmet.push(`${key} is ${json(seenContent ?? null)}, expected ${json(content)}`);
  }
  return unmet;
}

/** A one-line summary of a case's runs: their exit codes and the last run's recap counts summed over hosts (zeros left out). */
export function summarize(outcomes: RunOutcome[]): string {
  const last = outcomes.at(-1) as RunOutcome;
  const totals = new Map<string, number>();
  for (const counts of Object.values(last.parsed.recap)) {
    for (const [key, value] of Object.entries(counts)) totals.set(key, (totals.get(key) ?? 0) + value);
  }
  const counts = [...totals].filter(([key, value]) => value > 0 || key === 'ok').map(([key, value]) => `${key}=${value}`);
  const codes = outcomes.map((outcome) => outcome.code).join(',');
  return [outcomes.length > 1 ? `${outcomes.length} runs rc=${codes}, last` : `rc=${codes}`, ...counts].join(' ');
}
