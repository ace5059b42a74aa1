import type { FileDiff } from '../../contract.js';

/** The environment Ansible gives apt: no prompts, English messages (which the parsers read). */
export const APT_ENV: Record<string, string> = {
  DEBIAN_FRONTEND: 'noninteractive',
  DEBIAN_PRIORITY: 'critical',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  LC_MESSAGES: 'C.UTF-8',
  LC_CTYPE: 'C.UTF-8',
};

/** The apt-get options every task shares. */
export interface AptSettings {
  dpkgOptions: string[];
  lockTimeout: number;
  force: boolean;
  defaultRelease?: string;
  installRecommends?: boolean;
  allowUnauthenticated: boolean;
  allowDowngrade: boolean;
  allowChangeHeldPackages: boolean;
  failOnAutoremove: boolean;
  autoremove: boolean;
}

/** `dpkg_options: force-confdef,force-confold` as apt-get options. */
export function expandDpkgOptions(value: string): string[] {
  return value.split(',').map((option) => option.trim()).filter(Boolean).map((option) => `Dpkg::Options::=--${option}`);
}

function optionFlags(settings: AptSettings): string[] {
  return [
    ...settings.dpkgOptions.flatMap((option) => ['-o', option]),
    '-o', `DPkg::Lock::Timeout=${settings.lockTimeout}`,
    ...(settings.force ? ['--force-yes'] : []),
    ...(settings.defaultRelease ? ['-t', settings.defaultRelease] : []),
    ...(settings.installRecommends === undefined ? [] : ['-o', `APT::Install-Recommends=${settings.installRecommends ? 'yes' : 'no'}`]),
    ...(settings.allowUnauthenticated ? ['--allow-unauthenticated'] : []),
    ...(settings.allowDowngrade ? ['--allow-downgrades'] : []),
    ...(settings.allowChangeHeldPackages ? ['--allow-change-held-packages'] : []),
  ];
}

/**
 * `apt-get -y [options] [--simulate] ACTION [-- ARGUMENTS]`. The arguments come after `--`, so a
 * package name is never read as an option.
 */
export function aptGetArgv(settings: AptSettings, action: string[], args: readonly string[], simulate: boolean, extra: string[] = []): string[] {
  return [
    'apt-get',
    '-y',
    ...optionFlags(settings),
    ...extra,
    ...(settings.autoremove && action[0] !== 'autoremove' ? ['--auto-remove'] : []),
    ...(settings.failOnAutoremove ? ['--no-remove'] : []),
    ...(simulate ? ['--simulate'] : []),
    ...action,
    ...(args.length ? ['--', ...args] : []),
  ];
}

/** One package apt-get says it would touch (`Inst x [1.0] (1.1 ...)`, `Remv x [1.0]`, `Purg x [1.0]`). */
export interface AptStep {
  kind: 'install' | 'remove';
  name: string;
  /** The version it replaces or removes. */
  from?: string;
  /** The version it installs. */
  to?: string;
}

export function parseSimulation(stdout: string): AptStep[] {
  const steps: AptStep[] = [];
  for (const line of stdout.split('\n')) {
    const install = /^Inst (\S+)(?: \[([^\]]+)\])? \((\S+)/.exec(line);
    if (install) steps.push({ kind: 'install', name: install[1], from: install[2], to: install[3] });
    const remove = /^(?:Remv|Purg) (\S+)(?: \[([^\]]+)\])?/.exec(line);
    if (remove) steps.push({ kind: 'remove', name: remove[1], from: remove[2] });
  }
  return steps;
}

function listed(values: string[]): string {
  return values.length ? `${[...new Set(values)].sort().join('\n')}\n` : '';
}

/** Before/after of the packages a simulated apt-get run touches, as `name=version` lines. */
export function simulationDiff(steps: readonly AptStep[]): FileDiff {
  const before = steps.flatMap((step) => (step.from === undefined ? [] : [`${step.name}=${step.from}`]));
  const after = steps.flatMap((step) => (step.kind === 'install' && step.to !== undefined ? [`${step.name}=${step.to}`] : []));
  return { before: listed(before), after: listed(after), beforeHeader: 'apt transaction', afterHeader: 'apt transaction' };
}
