import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import { runBatch, type CommandOutcome } from './command-batch.js';
import { dnfArgv, rpmQueryArgv } from './dnf-command.js';
import {
  RPM_QUERY_FORMAT,
  dnfError,
  parseInstalledGroups,
  parseModuleInfo,
  parseModuleProfiles,
  parseRpmQuery,
  type GroupName,
  type ModuleStream,
} from './dnf-output.js';
import type { DnfRequest } from './dnf-request.js';
import { artifactPackage, type InstalledPackage } from './dnf-spec.js';

export interface ModuleView {
  streams: ModuleStream[];
  /** stream -> profile -> package names */
  profiles: Map<string, Map<string, string[]>>;
}

/** What is on the host now, as far as the request needs to know. */
export interface Observed {
  installed: InstalledPackage[];
  modules: Map<string, ModuleView>;
  groups: GroupName[];
  /** `dnf check-update` exited 100 for the requested packages (state latest only). */
  updatesAvailable: boolean;
}

/** A command to run in a batch and what to do with its outcome. */
interface Query {
  argv: string[];
  take(outcome: CommandOutcome): void;
}

function fail(what: string, outcome: CommandOutcome): never {
  throw new ModuleFailure(`${what}: ${dnfError(outcome)}`, { rc: outcome.rc, stdout: outcome.stdout, stderr: outcome.stderr });
}

async function runQueries(connection: Connection, queries: Query[]): Promise<void> {
  const outcomes = await runBatch(connection, queries.map((query) => query.argv), false);
  queries.forEach((query, index) => query.take(outcomes[index]));
}

/** Package names rpm is asked about: the package specs and every package the requested module streams ship. */
function packageNames(request: DnfRequest, modules: Map<string, ModuleView>): string[] {
  const names = new Set<string>();
  for (const spec of request.specs) {
    if (spec.kind === 'package') names.add(spec.spec);
    if (spec.kind !== 'module') continue;
    const view = modules.get(spec.module);
    for (const stream of view?.streams.filter((candidate) => candidate.stream === spec.stream) ?? []) {
      for (const artifact of stream.artifacts) {
        const pkg = artifactPackage(artifact);
        if (pkg && pkg.arch !== 'src') names.add(pkg.name);
      }
    }
    for (const packages of view?.profiles.get(spec.stream)?.values() ?? []) for (const name of packages) names.add(name);
  }
  return [...names];
}

/**
 * Reads the state in as few round trips as the request allows: module streams first (their
 * packages are only known from the metadata), then one `rpm -q` for every package name, the
 * installed groups and `dnf check-update`.
 */
export async function observe(connection: Connection, request: DnfRequest): Promise<Observed> {
  const { setup } = request;
  const observed: Observed = { installed: [], modules: new Map(), groups: [], updatesAvailable: false };
  let pending: Query[] = request.updateCache
    ? [
        {
          argv: dnfArgv(setup, ['-q', 'makecache', '--refresh']),
          take: (outcome) => {
            if (outcome.rc !== 0) fail('Failed to refresh the metadata cache', outcome);
          },
        },
      ]
    : [];

  const moduleNames = [...new Set(request.specs.flatMap((spec) => (spec.kind === 'module' ? [spec.module] : [])))];
  if (moduleNames.length) {
    const queries = moduleNames.flatMap((name): Query[] => {
      const view: ModuleView = { streams: [], profiles: new Map() };
      observed.modules.set(name, view);
      // An unknown module has no streams: installing it fails in dnf with dnf's own message.
      return [
        {
          argv: dnfArgv(setup, ['-q', 'module', 'info'], [name]),
          take: (outcome) => {
            if (outcome.rc === 0) view.streams = parseModuleInfo(outcome.stdout);
          },
        },
        {
          argv: dnfArgv(setup, ['-q', 'module', 'info', '--profile'], [name]),
          take: (outcome) => {
            if (outcome.rc === 0) view.profiles = parseModuleProfiles(outcome.stdout);
          },
        },
      ];
    });
    await runQueries(connection, [...pending, ...queries]);
    pending = [];
  }

  const names = packageNames(request, observed.modules);
  const queries: Query[] = [...pending];
  if (names.length) {
    queries.push({
      argv: rpmQueryArgv(setup, RPM_QUERY_FORMAT, names),
      // rpm exits with the number of names not installed; only silence on stdout means it failed.
      take: (outcome) => {
        if (outcome.rc !== 0 && outcome.stdout.trim() === '') fail('Failed to query the rpm database', outcome);
        observed.installed = parseRpmQuery(outcome.stdout);
      },
    });
  }
  if (request.specs.some((spec) => spec.kind === 'group')) {
    queries.push({
      argv: dnfArgv(setup, ['-v', 'group', 'list', '--installed']),
      take: (outcome) => {
        if (outcome.rc !== 0) fail('Failed to list the installed groups', outcome);
        observed.groups = parseInstalledGroups(outcome.stdout);
      },
    });
  }
  const everything = request.specs.some((spec) => spec.kind === 'all');
  if (request.state === 'latest' && (everything || names.length)) {
    queries.push({
      argv: dnfArgv(setup, ['-q', 'check-update', ...(request.security ? ['--security'] : [])], everything ? [] : names),
      take: (outcome) => {
        if (outcome.rc !== 0 && outcome.rc !== 100) fail('Failed to check for updates', outcome);
        observed.updatesAvailable = outcome.rc === 100;
      },
    });
  }
  await runQueries(connection, queries);
  return observed;
}
