import { dnfArgv } from './dnf-command.js';
import type { Observed } from './dnf-read.js';
import type { DnfRequest } from './dnf-request.js';
import { artifactName, matchesSpec, nevra, type DnfSpec, type InstalledPackage } from './dnf-spec.js';

/** A module or group state change besides packages: a line for each side of the diff, and a result message. */
export interface StateChange {
  before?: string;
  after?: string;
  message: string;
}

/** What dnf has to do, in the order it is done. */
export interface DnfActions {
  /** `dnf remove` specs (packages, @groups, the installed packages of removed module streams). */
  remove: string[];
  /** `dnf module reset` after their stream was removed. */
  resetModules: string[];
  /** Enabled with another stream: reset, then `dnf module switch-to MODULE:STREAM[/PROFILE]`. */
  switchModules: { module: string; target: string }[];
  /** `dnf install` specs (packages, @groups, @module:stream[/profile]). */
  install: string[];
  /** `dnf upgrade` specs; an empty list upgrades everything. */
  upgrade?: string[];
  changes: StateChange[];
}

type ModuleSpec = Extract<DnfSpec, { kind: 'module' }>;

export function hasWork(actions: DnfActions): boolean {
  return actions.remove.length + actions.resetModules.length + actions.switchModules.length + actions.install.length > 0 || actions.upgrade !== undefined;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

interface StreamContent {
  /** The stream of this module that is enabled now, if any. */
  enabled?: string;
  /** The profile's (or the default profiles') package names. */
  packages: string[];
  /** Every profile package is installed in a version the stream ships. */
  profileInstalled: boolean;
  /** Installed packages that the stream ships. */
  installedFromStream: InstalledPackage[];
}

function streamContent(spec: ModuleSpec, observed: Observed): StreamContent {
  const view = observed.modules.get(spec.module);
  const streams = view?.streams.filter((stream) => stream.stream === spec.stream) ?? [];
  const profiles = view?.profiles.get(spec.stream) ?? new Map<string, string[]>();
  const wantedProfiles = spec.profile ? [spec.profile] : unique(streams.flatMap((stream) => stream.defaultProfiles));
  const packages = unique(wantedProfiles.flatMap((profile) => profiles.get(profile) ?? []));
  const artifacts = new Set(streams.flatMap((stream) => stream.artifacts));
  const installedFromStream = observed.installed.filter((pkg) => artifacts.has(artifactName(pkg)));
  const known = streams.length > 0 && wantedProfiles.every((profile) => profiles.has(profile));
  return {
    enabled: view?.streams.find((stream) => stream.enabled)?.stream,
    packages,
    profileInstalled: known && packages.every((name) => installedFromStream.some((pkg) => pkg.name === name)),
    installedFromStream,
  };
}

/** Stricter than Ansible: the stream must be enabled AND its profile's packages installed from that stream. */
function planModulePresent(spec: ModuleSpec, observed: Observed, actions: DnfActions, upgrades: string[]): void {
  const content = streamContent(spec, observed);
  const name = `${spec.module}:${spec.stream}`;
  if (content.enabled !== undefined && content.enabled !== spec.stream) {
    actions.switchModules.push({ module: spec.module, target: spec.spec.slice(1) });
    actions.changes.push({
      before: `module ${spec.module}:${content.enabled} enabled`,
      after: `module ${name} enabled`,
      message: `Module ${spec.module} switched from stream ${content.enabled} to ${spec.stream}`,
    });
    return;
  }
  if (content.enabled === undefined) {
    actions.install.push(spec.spec);
    actions.changes.push({ after: `module ${name} enabled`, message: `Module ${name} enabled` });
  } else if (!content.profileInstalled) {
    actions.install.push(spec.spec);
  } else {
    upgrades.push(...content.packages);
  }
}

function planModuleAbsent(spec: ModuleSpec, observed: Observed, actions: DnfActions): void {
  const content = streamContent(spec, observed);
  actions.remove.push(...content.installedFromStream.map(nevra));
  if (content.enabled === spec.stream) {
    actions.resetModules.push(spec.module);
    actions.changes.push({ before: `module ${spec.module}:${spec.stream} enabled`, message: `Module ${spec.module} reset` });
  }
}

function groupInstalled(group: string, observed: Observed): boolean {
  const wanted = group.toLowerCase();
  return observed.groups.some((installed) => installed.name.toLowerCase() === wanted || installed.id?.toLowerCase() === wanted);
}

/** Pure: the dnf work that brings the host from `observed` to what the request asks. */
export function planActions(request: DnfRequest, observed: Observed): DnfActions {
  const actions: DnfActions = { remove: [], resetModules: [], switchModules: [], install: [], changes: [] };
  const isInstalled = (spec: string) => observed.installed.some((pkg) => matchesSpec(spec, pkg));
  const upgrades: string[] = [];
  let upgradeEverything = false;
  for (const spec of request.specs) {
    if (request.state === 'absent') {
      if (spec.kind === 'package' && isInstalled(spec.spec)) actions.remove.push(spec.spec);
      if (spec.kind === 'group' && groupInstalled(spec.group, observed)) {
        actions.remove.push(spec.spec);
        actions.changes.push({ before: `group ${spec.group} installed`, message: `Group ${spec.group} removed` });
      }
      if (spec.kind === 'module') planModuleAbsent(spec, observed, actions);
      continue;
    }
    if (spec.kind === 'all') upgradeEverything = true;
    if (spec.kind === 'package') {
      if (!isInstalled(spec.spec)) actions.install.push(spec.spec);
      else upgrades.push(spec.spec);
    }
    if (spec.kind === 'group' && !groupInstalled(spec.group, observed)) {
      actions.install.push(spec.spec);
      actions.changes.push({ after: `group ${spec.group} installed`, message: `Group ${spec.group} installed` });
    }
    if (spec.kind === 'module') planModulePresent(spec, observed, actions, upgrades);
  }
  if (request.state === 'latest' && observed.updatesAvailable && (upgradeEverything || upgrades.length)) {
    actions.upgrade = upgradeEverything ? [] : unique(upgrades);
  }
  actions.remove = unique(actions.remove);
  return actions;
}

/**
 * The dnf commands for the actions. `preview` resolves each step with --assumeno (nothing changes)
 * and leaves out the resets, which move no package; `-v` makes dnf list every package it touches.
 */
export function actionCommands(request: DnfRequest, actions: DnfActions, preview: boolean): string[][] {
  const { setup } = request;
  const mode = preview ? ['-v', '--assumeno'] : ['-v', '-y'];
  const commands: string[][] = [];
  if (actions.remove.length) commands.push(dnfArgv(setup, [...mode, 'remove'], actions.remove));
  if (actions.resetModules.length && !preview) commands.push(dnfArgv(setup, ['-y', 'module', 'reset'], actions.resetModules));
  for (const { module, target } of actions.switchModules) {
    if (!preview) commands.push(dnfArgv(setup, ['-y', 'module', 'reset'], [module]));
    commands.push(dnfArgv(setup, [...mode, 'module', 'switch-to'], [target]));
  }
  if (actions.install.length) commands.push(dnfArgv(setup, [...mode, 'install'], actions.install));
  if (actions.upgrade) commands.push(dnfArgv(setup, [...mode, 'upgrade', ...(request.security ? ['--security'] : [])], actions.upgrade));
  return commands;
}
