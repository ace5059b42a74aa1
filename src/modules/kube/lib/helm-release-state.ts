import { parse } from 'yaml';
import type { Connection, ExecResult } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import { clusterFlags, helmError, requireSuccess, type HelmTarget } from './helm-command.js';
import { isMapping, type Values } from './helm-values.js';
import { runCommandBatch } from './kube-command-batch.js';

/** What the cluster says about a release: its last revision (`helm history`) and user-supplied values (`helm get values`). */
export interface ReleaseState {
  exists: boolean;
  status?: string;
  description?: string;
  revision?: number;
  /** "NAME-VERSION" of the deployed chart. */
  chart?: string;
  appVersion?: string;
  values: Values;
}

/** The chart helm would install now, and for a chart on the target's disk the digest of its content. */
export interface ChartState {
  local: boolean;
  name: string;
  version: string;
  appVersion?: string;
  digest?: string;
}

export interface ReleaseQuery {
  name: string;
  target: HelmTarget;
  chart?: string;
  version?: string;
  valuesFiles: string[];
  /** Leave out what `helm dependency build` generates (charts/*.tgz, Chart.lock): it changes on every build. */
  skipBuiltDependencies: boolean;
}

export interface ReleaseRead {
  release: ReleaseState;
  chart?: ChartState;
  /** The parsed content of each values file, in order. */
  valuesFiles: Values[];
}

/** $1 a chart folder or archive, $2 "1" to skip built dependencies: prints one sha256 over every file's path and content. */
const DIGEST_SCRIPT = `
if [ -d "$1" ]; then
  cd -- "$1" || exit 1
  if [ "$2" = 1 ]; then find . -type f ! -path './charts/*.tgz' ! -path ./Chart.lock -print0; else find . -type f -print0; fi |
    LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1
else
  sha256sum < "$1" | cut -d' ' -f1
fi`;

function parseJson(result: ExecResult, what: string): unknown {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new ModuleFailure(`${what} did not print JSON: ${result.stdout.slice(0, 200)}`);
  }
}

/** One row of `helm history -o json`. */
interface RevisionRow {
  revision: number;
  status: string;
  chart: string;
  app_version?: string;
  description?: string;
}

/** The last revision, from `helm history NAME --max 1`: unlike `helm status`, it names the deployed chart and version. */
export function parseLastRevision(history: ExecResult, name: string): Omit<ReleaseState, 'values'> {
  if (history.rc !== 0) {
    if (/release: not found/.test(history.stderr)) return { exists: false };
    throw new ModuleFailure(`helm history ${name} failed: ${helmError(history)}`, { rc: history.rc, stderr: history.stderr });
  }
  const rows = parseJson(history, 'helm history') as RevisionRow[] | null;
  const last = rows?.at(-1);
  if (!last) return { exists: false };
  return { exists: true, status: last.status, description: last.description, revision: last.revision, chart: last.chart, appVersion: last.app_version };
}

function parseRelease(history: ExecResult, values: ExecResult, name: string): ReleaseState {
  const revision = parseLastRevision(history, name);
  if (!revision.exists) return { ...revision, values: {} };
  const userValues = parseJson(requireSuccess(values, `helm get values ${name}`), 'helm get values');
  return { ...revision, values: isMapping(userValues) ? userValues : {} };
}

function parseValuesFile(result: ExecResult, file: string): Values {
  if (result.rc !== 0) throw new ModuleFailure(`could not read values file ${file} on the target: ${result.stderr.trim()}`);
  const values: unknown = parse(result.stdout);
  if (values === null || values === undefined) return {};
  if (!isMapping(values)) throw new ModuleFailure(`values file ${file} does not hold a mapping`);
  return values;
}

function parseChart(show: ExecResult, exists: ExecResult, digest: ExecResult | undefined, chart: string): ChartState {
  const metadata: unknown = parse(requireSuccess(show, `helm show chart ${chart}`).stdout);
  if (!isMapping(metadata)) throw new ModuleFailure(`helm show chart ${chart} printed no chart metadata`);
  const local = exists.rc === 0;
  if (local && digest?.rc !== 0) throw new ModuleFailure(`could not read the chart at ${chart}: ${digest?.stderr.trim()}`);
  const appVersion = metadata.appVersion === undefined ? undefined : String(metadata.appVersion);
  return { local, name: String(metadata.name), version: String(metadata.version), appVersion, digest: local ? digest?.stdout.trim() : undefined };
}

export function historyArgv(name: string, target: HelmTarget): string[] {
  return ['helm', 'history', name, '--max', '1', ...clusterFlags(target), '--output', 'json'];
}

/** One round trip: the release's state, and (with a chart) the chart helm would install and the values files. */
export async function readRelease(connection: Connection, query: ReleaseQuery): Promise<ReleaseRead> {
  const flags = clusterFlags(query.target);
  const commands: string[][] = [historyArgv(query.name, query.target), ['helm', 'get', 'values', query.name, ...flags, '--output', 'json']];
  const { chart } = query;
  if (chart !== undefined) {
    commands.push(
      ['helm', 'show', 'chart', chart, ...(query.version === undefined ? [] : ['--version', query.version])],
      ['test', '-e', chart],
      ['/bin/sh', '-c', DIGEST_SCRIPT, 'sh', chart, query.skipBuiltDependencies ? '1' : '0'],
      ...query.valuesFiles.map((file) => ['cat', '--', file]),
    );
  }
  const [history, values, show, exists, digest, ...files] = await runCommandBatch(connection, commands);
  const release = parseRelease(history, values, query.name);
  return {
    release,
    chart: chart === undefined ? undefined : parseChart(show, exists, digest, chart),
    valuesFiles: files.map((file, index) => parseValuesFile(file, query.valuesFiles[index])),
  };
}
