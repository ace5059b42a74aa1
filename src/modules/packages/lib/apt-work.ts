import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type ModuleResult } from '../../contract.js';
import { runBatch } from './command-batch.js';
import { APT_ENV, aptGetArgv, parseSimulation, type AptSettings, type AptStep } from './apt-command.js';
import { installArguments, isVirtual, packageStatus, removeArguments, type PackageStatus } from './apt-decide.js';
import { readApt, type AptQuery, type AptView } from './apt-read.js';
import type { AptSpec } from './apt-spec.js';
import { compareDebVersions } from './deb-version.js';

/** One apt-get run the task needs, what it reports, and how to tell from its output whether it changed anything. */
export interface AptWork {
  changed: boolean;
  /** Fields known before running (also the check-mode result). */
  result: ModuleResult;
  /** The apt-get command that makes the change, or (simulate) says what it would do. */
  command?: (simulate: boolean) => string[];
  /** Why the command failed, from its argv and stderr, as Ansible words it. */
  failure?: (stderr: string) => string;
  /** The commands' stdout becomes the result's msg too (upgrade, clean). */
  stdoutAsMsg?: boolean;
}

export interface Simulated {
  stdout: string;
  stderr: string;
  steps: AptStep[];
}

/** Runs the work's command with --simulate; a refusal is the task's failure, worded as the real run's would be. */
export async function simulate(connection: Connection, work: AptWork): Promise<Simulated> {
  if (!work.command) return { stdout: '', stderr: '', steps: [] };
  const { rc, stdout, stderr } = await connection.exec(work.command(true), { env: APT_ENV });
  if (rc !== 0) throw new ModuleFailure(work.failure ? work.failure(stderr) : stderr.trim(), { rc, stdout, stderr });
  return { stdout, stderr, steps: parseSimulation(stdout) };
}

/** Runs the work's command and reports as Ansible does. */
export async function runWork(connection: Connection, work: AptWork): Promise<ModuleResult> {
  if (!work.command) return {};
  const { rc, stdout, stderr } = await connection.exec(work.command(false), { env: APT_ENV });
  if (rc !== 0) throw new ModuleFailure(work.failure ? work.failure(stderr) : stderr.trim(), { rc, stdout, stderr });
  return { stdout, stderr, ...(work.stdoutAsMsg ? { msg: stdout } : {}) };
}

export function commandText(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`)).join(' ');
}

/**
 * The status of each spec, answering for a virtual package through its provider when it has
 * exactly one (as Ansible does); a name apt does not know at all fails.
 */
export async function statusReader(connection: Connection, view: AptView, specs: readonly AptSpec[], query: AptQuery): Promise<(spec: AptSpec) => PackageStatus> {
  const virtual = specs.filter((spec) => isVirtual(view, spec.name) && !view.dpkg.some((entry) => entry.name === spec.name && entry.state === 'i'));
  if (virtual.length === 0) return (spec) => packageStatus(view, spec);
  const { stdout } = await connection.exec(['apt-cache', 'showpkg', '--', ...virtual.map((spec) => spec.name)], { env: APT_ENV });
  const providers = parseReverseProvides(stdout);
  for (const spec of virtual) {
    if (!providers.get(spec.name)?.length) throw new ModuleFailure(`No package matching '${spec.name}' is available`);
  }
  const single = [...new Set(virtual.flatMap((spec) => (providers.get(spec.name)?.length === 1 ? providers.get(spec.name) ?? [] : [])))];
  const providerView = single.length ? await readApt(connection, { ...query, update: undefined, listNames: false, names: single }) : undefined;
  return (spec) => {
    const found = providers.get(spec.name);
    if (!virtual.includes(spec)) return packageStatus(view, spec);
    if (found?.length === 1 && providerView) {
      const status = packageStatus(providerView, { ...spec, name: found[0] });
      if (status.installed) return status;
    }
    return { installed: false, versionInstalled: false, installable: true, hasFiles: false };
  };
}

/** `apt-cache showpkg`: each package's "Reverse Provides:" lines (`provider version`). */
export function parseReverseProvides(stdout: string): Map<string, string[]> {
  const providers = new Map<string, string[]>();
  let current: string | undefined;
  let inProvides = false;
  for (const line of stdout.split('\n')) {
    const header = /^Package: (\S+)/.exec(line);
    if (header) {
      current = header[1];
      providers.set(current, []);
      inProvides = false;
    } else if (/^Reverse Provides:/.test(line)) {
      inProvides = true;
    } else if (/^\S+:/.test(line)) {
      inProvides = false;
    } else if (inProvides && current && line.trim()) {
      const provider = line.trim().split(' ')[0];
      const list = providers.get(current) ?? [];
      if (!list.includes(provider)) list.push(provider);
      providers.set(current, list);
    }
  }
  return providers;
}

/** state present/latest: `apt-get install` of what is missing or behind. */
export function installWork(settings: AptSettings, specs: readonly AptSpec[], statusOf: (spec: AptSpec) => PackageStatus, options: { upgrade: boolean; onlyUpgrade: boolean }): AptWork & { args: string[] } {
  const args = installArguments(specs, statusOf, options);
  if (args.length === 0) return { changed: false, result: {}, args };
  const command = (simulate: boolean) => aptGetArgv(settings, ['install'], args, simulate, options.onlyUpgrade ? ['--only-upgrade'] : []);
  return { changed: true, result: {}, args, command, failure: (stderr) => `'${commandText(command(false))}' failed: ${stderr}` };
}

/** state absent: `apt-get remove` of what is installed (or, with purge, left configuration). */
export function removeWork(settings: AptSettings, specs: readonly AptSpec[], view: AptView, purge: boolean): AptWork {
  const args = removeArguments(specs, view, purge);
  if (args.length === 0) return { changed: false, result: {} };
  const command = (simulate: boolean) => ['apt-get', '-q', ...aptGetArgv(settings, ['remove'], args, simulate, purge ? ['--purge'] : []).slice(1)];
  return { changed: true, result: {}, command, failure: (stderr) => `'apt-get remove ${args.map((arg) => `'${arg}'`).join(' ')}' failed: ${stderr}` };
}

/** A .deb file on the host: its control fields. */
export interface DebFile {
  path: string;
  name: string;
  version: string;
}

/** `dpkg-deb -f` of each file, in one round trip. */
export async function readDebFiles(connection: Connection, paths: readonly string[]): Promise<DebFile[]> {
  const outcomes = await runBatch(connection, paths.map((path) => ['dpkg-deb', '-f', '--', path, 'Package', 'Version']), false);
  return paths.map((path, index) => {
    const outcome = outcomes[index];
    if (outcome.rc !== 0) throw new ModuleFailure(`Unable to install package: ${outcome.stderr.trim()}`, { rc: outcome.rc, stderr: outcome.stderr });
    const field = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(outcome.stdout)?.[1]?.trim() ?? '';
    return { path, name: field('Package'), version: field('Version') };
  });
}

/**
 * deb: the files whose version is not the installed one, installed by apt-get (which brings their
 * dependencies from the repositories); an older file than the installed package fails unless
 * allow_downgrade or force.
 */
export function debWork(settings: AptSettings, debs: readonly DebFile[], view: AptView): AptWork {
  const wanted = debs.filter((deb) => {
    const installed = packageStatus(view, { name: deb.name });
    const version = view.dpkg.find((entry) => entry.name === deb.name && entry.state === 'i')?.version;
    if (!installed.installed || version === undefined) return true;
    const order = compareDebVersions(deb.version, version);
    if (order === 0) return false;
    if (order < 0 && !settings.allowDowngrade && !settings.force) throw new ModuleFailure('A later version is already installed');
    return true;
  });
  if (wanted.length === 0) return { changed: false, result: { stdout: '', stderr: '' } };
  const files = wanted.map((deb) => (deb.path.startsWith('/') || deb.path.startsWith('.') ? deb.path : `./${deb.path}`));
  const command = (simulate: boolean) => aptGetArgv(settings, ['install'], files, simulate);
  return { changed: true, result: {}, command, failure: (stderr) => `${commandText(command(false))} failed: ${stderr}` };
}

/** `upgrade:` dist/full (dist-upgrade) or yes/safe (upgrade --with-new-pkgs), always with apt-get. */
export function upgradeWork(settings: AptSettings, mode: 'dist' | 'full' | 'safe' | 'yes'): AptWork {
  const action = mode === 'dist' || mode === 'full' ? ['dist-upgrade'] : ['upgrade', '--with-new-pkgs'];
  const command = (simulate: boolean) => aptGetArgv(settings, action, [], simulate);
  return { changed: true, result: {}, command, stdoutAsMsg: true, failure: (stderr) => `'apt-get ${action.join(' ')}' failed: ${stderr}` };
}

/** Whether apt-get's own summary says an upgrade did anything (what Ansible looks for). */
export function upgradeChanged(stdout: string): boolean {
  return !stdout.includes('\n0 upgraded, 0 newly installed');
}

/** `autoremove: yes` or `autoclean: yes` without packages; changed when apt-get removes or deletes something. */
export function cleanupWork(settings: AptSettings, operation: 'autoremove' | 'autoclean', purge: boolean): AptWork {
  const command = (simulate: boolean) => aptGetArgv({ ...settings, autoremove: false }, [operation], [], simulate, purge ? ['--purge'] : []);
  return { changed: true, result: {}, command, failure: (stderr) => `'apt-get ${operation}' failed: ${stderr}` };
}

export function cleanupChanged(operation: 'autoremove' | 'autoclean', stdout: string): boolean {
  return operation === 'autoremove' ? stdout.includes('The following packages will be REMOVED') : /^Del /m.test(stdout);
}

/** `clean: yes`: apt-get clean, which Ansible always reports as a change. */
export function cleanWork(): AptWork {
  return { changed: true, result: {}, command: () => ['apt-get', 'clean'], stdoutAsMsg: true, failure: () => 'apt-get clean failed' };
}
