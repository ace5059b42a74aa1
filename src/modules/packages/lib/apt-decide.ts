import { ModuleFailure } from '../../contract.js';
import { compareDebVersions } from './deb-version.js';
import type { AptView, DpkgEntry, PolicyEntry } from './apt-read.js';
import { fnmatch, formatAptSpec, type AptSpec } from './apt-spec.js';

/** Ansible's package_status: where a package stands against a spec. */
export interface PackageStatus {
  installed: boolean;
  /** The installed version satisfies the spec's version (any version when it has none). */
  versionInstalled: boolean;
  /** The version to install to get closer to the spec; `true` for a virtual package apt resolves itself. */
  installable?: string | true;
  /** dpkg still has files of it (a removed package's configuration): purge has work to do. */
  hasFiles: boolean;
}

function splitArch(name: string): [string, string | undefined] {
  const colon = name.indexOf(':');
  return colon < 0 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
}

function dpkgEntry(view: AptView, name: string): DpkgEntry | undefined {
  const [base, arch] = splitArch(name);
  const entries = view.dpkg.filter((entry) => entry.name === base && (arch === undefined || entry.arch === arch));
  return entries.find((entry) => entry.arch === view.nativeArch || entry.arch === 'all') ?? entries[0];
}

export function policyEntry(view: AptView, name: string): PolicyEntry | undefined {
  const [base, arch] = splitArch(name);
  return view.policy.find((entry) => entry.name === name) ?? view.policy.find((entry) => splitArch(entry.name)[0] === base && (arch === undefined || entry.name.endsWith(`:${arch}`)));
}

/** A package apt has no version of (not in a repository, not installed): virtual, or unknown. */
export function isVirtual(view: AptView, name: string): boolean {
  return (policyEntry(view, name)?.versions.length ?? 0) === 0;
}

/** The version apt would pick: an exact spec pins its version (the highest matching, as a 1001 pin does). */
function bestVersion(policy: PolicyEntry, spec: AptSpec): string | undefined {
  if (spec.compare === '=') {
    const pinned = policy.versions.find((version) => fnmatch(version, spec.version ?? ''));
    const chosen = pinned ?? policy.candidate;
    return chosen !== undefined && fnmatch(chosen, spec.version ?? '') ? chosen : undefined;
  }
  return policy.candidate;
}

function satisfies(version: string, spec: AptSpec): boolean {
  if (spec.compare === '=') return fnmatch(version, spec.version ?? '');
  if (spec.compare === '>=') return compareDebVersions(version, spec.version ?? '') >= 0;
  return true;
}

export function packageStatus(view: AptView, spec: AptSpec): PackageStatus {
  const entry = dpkgEntry(view, spec.name);
  const policy = policyEntry(view, spec.name) ?? { name: spec.name, versions: [] };
  const installed = entry?.state === 'i';
  const hasFiles = entry !== undefined && entry.state !== 'n';
  const best = bestVersion(policy, spec);
  if (!installed) return { installed, versionInstalled: false, installable: best, hasFiles };
  const versionInstalled = satisfies(entry.version, spec);
  const installable = best !== undefined && best !== entry.version && satisfies(best, spec) ? best : undefined;
  return { installed, versionInstalled, installable, hasFiles };
}

export interface InstallOptions {
  /** state=latest: upgrade installed packages to their candidate. */
  upgrade: boolean;
  onlyUpgrade: boolean;
}

/**
 * The `apt-get install` arguments for state present/latest, as Ansible builds them: a package that
 * is missing, off its version or (for latest) behind its candidate, pinned to the chosen version.
 * `statusOf` answers for virtual packages through their provider.
 */
export function installArguments(specs: readonly AptSpec[], statusOf: (spec: AptSpec) => PackageStatus, options: InstallOptions): string[] {
  const args: string[] = [];
  for (const spec of specs) {
    const status = statusOf(spec);
    if (!status.installed && options.onlyUpgrade) continue;
    if (!status.versionInstalled && status.installable === undefined) throw new ModuleFailure(`no available installation candidate for ${formatAptSpec(spec)}`);
    if (status.installable !== undefined && ((!status.installed && !options.onlyUpgrade) || options.upgrade || !status.versionInstalled)) {
      if (status.installable !== true) args.push(`${spec.name}=${status.installable}`);
      else args.push(spec.compare ? `${spec.name}=${spec.version}` : spec.name);
    } else if (status.versionInstalled && status.installable !== undefined && spec.compare === '=') {
      args.push(formatAptSpec(spec));
    }
  }
  return args;
}

/** The `apt-get remove` arguments for state absent: installed packages, and with purge the ones that left files. */
export function removeArguments(specs: readonly AptSpec[], view: AptView, purge: boolean): string[] {
  return specs.filter((spec) => {
    const status = packageStatus(view, spec);
    return status.versionInstalled || (status.hasFiles && purge);
  }).map(formatAptSpec);
}
