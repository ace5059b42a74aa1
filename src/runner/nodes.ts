import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import pLimit from 'p-limit';
import { isTemplateText } from '../modules/args.js';
import { formatPosition } from '../playbook/source.js';
import { collectionsOf } from '../playbook/module-defaults.js';
import { loadRole } from '../playbook/roles.js';
import { taskSearchPath } from '../playbook/search-path.js';
import { asTags, checkHandlerFileTasks, includedRoleHandlers, loadTaskFile, roleTasks, type LoadContext } from '../playbook/tasks.js';
import type { ActionTask, BlockNode, Handler, IncludeRoleNode, IncludeTasksNode, MetaNode, Role, RoleFiles, TaskNode } from '../playbook/types.js';
import type { Module } from '../modules/contract.js';
import { withModules, type ModuleRegistry } from '../modules/registry.js';
import { createTemplar, OMIT, stripUnsafe, TemplateError, type Templar } from '../template/templar.js';
import { missingHandlerMessage } from '../playbook/handler-check.js';
import { censored } from './censor.js';
import { isImplicitLocalhost } from './connections.js';
import { RunError } from './run-error.js';
import type { TaskInfo } from './events.js';
import { atIndex, failureEscapes, nextInRescueOrAlways, type Frame } from './block-position.js';
import { applyFacts } from './facts.js';
import { conditionsOf, inheritedKeyword, keywordBool } from './keywords.js';
import { loopItems } from './loops.js';
import { isActive, type HostState, type PlayRun, type Scope } from './state.js';
import { renderedTags, selectedByTags } from './tags.js';
import { noteChange, noteNotification, noteRegistration, planDependency } from './plan-dependency.js';
import { registeredValue } from './registered.js';
import { extendedLoopInfo, TaskExecution, type Outcome } from './task.js';
import { metaMessage, skippedMetaResult } from './meta-messages.js';
import { roleLayers, roleVars, taskVars } from './vars.js';

function asNames(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Runs task lists over a play's hosts with Ansible's linear strategy: each task on every active host, then the next. */

/** Which code runs an action: an Ansible module file, or betif-play's own module. */
function implementationOf(module: Module): Pick<TaskInfo, 'moduleFile' | 'nativeModule'> {
  return module.origin ? { moduleFile: module.origin } : { nativeModule: `${module.namespace ?? 'ansible.builtin'}.${module.name}` };
}
export class LinearStrategy {
  private readonly handlerNameCache = new Map<Handler, string[]>();

  constructor(
    private readonly playRun: PlayRun,
    private readonly registry: ModuleRegistry,
    private readonly roleSearchPath: string[],
  ) {}

  private get run() {
    return this.playRun.run;
  }

  async runNodes(nodes: readonly TaskNode[], hosts: readonly HostState[], scope: Scope): Promise<void> {
    for (const [index, node] of nodes.entries()) {
      if (this.playRun.aborted) return;
      const active = hosts.filter(isActive);
      if (active.length === 0) return;
      const at: Scope = { ...scope, frames: atIndex(scope.frames, index) };
      switch (node.kind) {
        case 'action':
          await this.runAction(node, active, at);
          break;
        case 'block':
          await this.runBlock(node, active, at);
          break;
        case 'include_tasks':
          await this.runIncludeTasks(node, active, at);
          break;
        case 'include_role':
          await this.runIncludeRole(node, active, at);
          break;
        case 'meta':
          await this.runMeta(node, active, at);
          break;
      }
    }
  }

  /** Ansible templates a task's name with what it knows without a host; when that is not enough, the name stays as written. */
  private displayName(node: TaskNode, scope: Scope, name: string): string {
    if (!name.includes('{{') && !name.includes('{%')) return name;
    return this.templatedName(node, scope, name) ?? name;
  }

  /** A name templated with the variables known without a host; undefined when they are not enough. */
  private templatedName(node: TaskNode, scope: Scope, name: string): string | undefined {
    const role = roleLayers(scope.role ?? node.role);
    const vars: Record<string, unknown> = {};
    for (const playRole of this.playRun.play.roles) Object.assign(vars, playRole.defaults);
    Object.assign(vars, role.defaults, this.playRun.play.vars, this.playRun.varsFiles);
    for (const playRole of this.playRun.play.roles) Object.assign(vars, roleVars(playRole));
    Object.assign(vars, role.vars);
    for (const block of scope.blocks) Object.assign(vars, block.vars);
    Object.assign(vars, node.keywords.vars, role.params, scope.includeParams, this.run.options.extraVars);
    try {
      return String(createTemplar(vars).render(name));
    } catch {
      return undefined;
    }
  }

  private taskInfo(node: TaskNode, scope: Scope, fallback: string): TaskInfo {
    // As Ansible's IncludeRole.get_name, an include_role task is shown without the role it is written in.
    const role = node.kind === 'include_role' ? undefined : (scope.role ?? node.role);
    const base = node.name === undefined ? fallback : this.displayName(node, scope, node.name);
    return {
      title: role ? `${role.name} : ${base}` : base,
      isHandler: scope.isHandler,
      where: formatPosition(node.position),
      module: node.kind === 'action' ? node.action : node.kind,
      ...(node.kind === 'action' ? implementationOf(node.module) : {}),
    };
  }

  private selected(node: TaskNode, scope: Scope, hosts: readonly HostState[]): boolean {
    const [first] = hosts;
    const render = (text: string) => (first ? createTemplar(taskVars(this.playRun, first, scope, node)).render(text) : text);
    return selectedByTags(renderedTags([...node.tags, ...scope.appliedTags], render), this.run.options.tags, this.run.options.skipTags);
  }

  async runAction(task: ActionTask, hosts: readonly HostState[], scope: Scope, title?: string): Promise<void> {
    if (!scope.isHandler && !this.selected(task, scope, hosts)) return;
    const info = { ...this.taskInfo(task, scope, task.action), ...(title ? { title } : {}) };
    if (!title && !scope.isHandler && this.run.gate && !(await this.run.gate.admits(info.title, task.name))) return;
    // An action that bypasses the host loop (pause) runs for the first host only, and only it gets the result.
    const bypass = task.module.bypassHostLoop === true;
    const runOnce = bypass || keywordBool(inheritedKeyword(this.playRun, scope, task, 'run_once'));
    const targets = runOnce ? hosts.slice(0, 1) : [...hosts];
    const { reporter } = this.run;
    reporter.taskStart(info, targets.length);
    const execution = new TaskExecution(
      this.playRun,
      scope,
      task,
      info,
      (event) => reporter.itemResult(info, event),
      (host, retriesLeft) => reporter.retrying(info, host, retriesLeft),
    );
    const limit = pLimit(this.width(task, scope));
    let pending = targets.length;
    const outcomes = await Promise.all(
      targets.map((host) =>
        limit(async () => {
          const outcome = await execution.run(host);
          this.record(task, info, host, outcome, scope);
          pending -= 1;
          reporter.pending(info, pending);
          return outcome;
        }),
      ),
    );
    const [first] = outcomes;
    if (runOnce && !bypass && first) {
      // As Ansible, a run_once task's facts and registered result reach every reachable host of the play (not only
      // those running this task list: an include's), and its failure fails every host (counted once, for the host that ran it).
      for (const host of this.playRun.batch) {
        if (host === targets[0] || host.unreachable) continue;
        applyFacts(task.module, host, first.result);
        this.remember(task, host, first, scope);
      }
      const failed = first.status === 'failed' && !first.ignored;
      for (const host of failed ? hosts.slice(1) : []) {
        host.failed = true;
        host.position = { frames: scope.frames, failed };
      }
    }
    this.checkFailureLimits(task, scope, outcomes, runOnce);
  }

  /** How many hosts run a task at once: the forks, or fewer with `throttle` (task, block or play). */
  private width(task: ActionTask, scope: Scope): number {
    const forks = Math.max(1, this.run.options.forks);
    const written = inheritedKeyword(this.playRun, scope, task, 'throttle');
    if (written === undefined) return forks;
    const throttle = Number(createTemplar({ ...this.playRun.play.vars, ...this.run.options.extraVars }).render(written));
    return Number.isInteger(throttle) && throttle > 0 ? Math.min(forks, throttle) : forks;
  }

  /** Stats, the host's state, register and notify for one host's outcome of a task. */
  private record(task: ActionTask, info: TaskInfo, host: HostState, outcome: Outcome, scope: Scope): void {
    // As Ansible, notifications come before the result is shown (a missing handler ends the run without it).
    if (outcome.status === 'changed' || (outcome.status === 'failed' && outcome.ignored && outcome.result.changed)) this.notify(task, host, scope);
    // A no_log loop's censored result has no items, so Ansible prints the host line after the items.
    const loop = Array.isArray(outcome.result.results) && loopItemsDeclared(task) && !outcome.hidden;
    const shown = outcome.hidden ? { result: censored(outcome.result), diff: [] } : {};
    this.run.reporter.hostResult(info, { host: host.name, ...outcome, ...shown, item: undefined }, loop);
    const stats = host.stats;
    switch (outcome.status) {
      case 'ok':
        stats.ok += 1;
        break;
      case 'changed':
        stats.ok += 1;
        stats.changed += 1;
        break;
      case 'skipped':
        stats.skipped += 1;
        break;
      case 'unreachable':
        if (outcome.ignored) {
          stats.ok += 1;
          stats.ignored += 1;
        } else {
          stats.unreachable += 1;
          host.unreachable = true;
        }
        break;
      case 'failed':
        if (outcome.ignored) {
          stats.ok += 1;
          stats.ignored += 1;
          if (outcome.result.changed) stats.changed += 1;
        } else {
          stats.failed += 1;
          host.failed = true;
          host.failedInHandler = scope.isHandler;
          host.failureVars = { ansible_failed_task: { name: task.name ?? task.action, action: task.action }, ansible_failed_result: outcome.result };
        }
        break;
    }
    host.position = { frames: scope.frames, failed: outcome.status === 'failed' && !outcome.ignored };
    this.remember(task, host, outcome, scope);
    // A change planned as waiting for an earlier task stands for that task: later waiting tasks name the same one.
    if (outcome.status === 'changed') noteChange(host, typeof outcome.result.depends_on === 'string' ? outcome.result.depends_on : this.nameOf(task, scope));
  }

  /** A task's name as a --check plan's "depends on" shows it: templated, without the role. */
  private nameOf(task: ActionTask, scope: Scope): string {
    return task.name === undefined ? task.action : this.displayName(task, scope, task.name);
  }

  private remember(task: ActionTask, host: HostState, outcome: Outcome, scope: Scope): void {
    const register = task.keywords.register;
    if (typeof register !== 'string') return;
    // As Ansible: a registered result never holds the module's invocation (its arguments).
    const { invocation: _invocation, ...result } = outcome.registered ?? outcome.result;
    host.hostVars[register] = registeredValue(task.module, result);
    noteRegistration(host, register, this.nameOf(task, scope));
  }

  private notify(task: ActionTask, host: HostState, scope: Scope): void {
    const written = asNames(inheritedKeyword(this.playRun, scope, task, 'notify'));
    if (written.length === 0) return;
    const templar = createTemplar(taskVars(this.playRun, host, scope, task));
    // A templated notify may give a list of names.
    const names = written.flatMap((name) => asNames(templar.render(name)));
    for (const name of names) {
      const { handlers } = this.playRun;
      // As Ansible's: the handler of that name (templated, without host variables), and every one listening.
      const named = handlers.find((handler) => !handler.listens.includes(name) && this.handlerNames(handler).includes(name));
      const listening = [...handlers].filter((handler) => handler !== named && handler.listens.includes(name));
      const notified = named ? [named, ...listening] : listening;
      if (notified.length === 0) {
        if (this.run.options.errorOnMissingHandler) throw new RunError(`${missingHandlerMessage(name)} (${formatPosition(task.position)})`);
        this.run.reporter.warning(missingHandlerMessage(name));
        continue;
      }
      for (const handler of notified) {
        if (!host.notified.has(handler)) this.run.reporter.notified?.(this.handlerTitle(handler), host.name);
        host.notified.add(handler);
        noteNotification(host, handler, this.nameOf(task, scope));
      }
    }
  }

  /** A handler's title as its RUNNING HANDLER banner shows it. */
  private handlerTitle(handler: Handler): string {
    const fallback = handler.kind === 'action' ? handler.action : handler.kind === 'meta' ? 'meta' : (handler.legacyAction ?? 'include_tasks');
    return this.taskInfo(handler, handlerScope(handler), fallback).title;
  }

  /**
   * The names a handler answers to by name (its own, and with its role's prefix), its name templated once with the
   * play's variables; one that cannot be templated answers to none (Ansible warns when it has no listen topic).
   */
  private handlerNames(handler: Handler): string[] {
    const known = this.handlerNameCache.get(handler);
    if (known) return known;
    const written = handler.answersTo.filter((name) => !handler.listens.includes(name));
    const name = handler.name;
    if (name === undefined || !isTemplateText(name)) return written;
    const rendered = this.templatedName(handler, handlerScope(handler), name);
    if (rendered === undefined) {
      if (handler.listens.length === 0) this.run.reporter.warning(`Handler '${name}' is unusable because it has no listen topics and the name could not be templated (host-specific variables are not supported in handler names).`);
      return [];
    }
    const names = [rendered, ...(handler.role ? [`${handler.role.name} : ${rendered}`] : [])];
    this.handlerNameCache.set(handler, names);
    return names;
  }

  /** any_errors_fatal (which a run_once task implies) and max_fail_percentage, checked after each task as Ansible does. */
  private checkFailureLimits(task: ActionTask, scope: Scope, outcomes: Outcome[], runOnce: boolean): void {
    const newlyFailed = outcomes.some((outcome) => outcome.status === 'failed' && !outcome.ignored);
    const fatal = runOnce || keywordBool(inheritedKeyword(this.playRun, scope, task, 'any_errors_fatal') ?? this.run.options.anyErrorsFatal);
    if (newlyFailed && failureEscapes(scope.frames) && fatal) {
      this.failFast();
      return;
    }
    const percentage = this.playRun.play.keywords.max_fail_percentage;
    if (percentage === undefined || scope.frames.some((frame) => frame.section === 'block' && frame.rescue.length > 0)) return;
    const batch = this.playRun.batch;
    const failed = batch.filter((host) => host.failed || host.unreachable).length;
    if (batch.length > 0 && (failed * 100) / batch.length > Number(percentage)) {
      this.playRun.breaksPlaybook = true;
      this.abortPlay();
    }
  }

  /**
   * any_errors_fatal as ansible-core 2.14 applies it: the plays after this one are off unless every host's next
   * task is in a rescue or always, and this one stops for everyone unless some host's is; then every host goes
   * on (Ansible counts the others failed but keeps running them).
   */
  private failFast(): void {
    const hosts = this.playRun.batch.filter((host) => !host.unreachable && !host.ended);
    const bound = hosts.filter((host) => nextInRescueOrAlways(host.position));
    if (bound.length < hosts.length) this.playRun.breaksPlaybook = true;
    if (bound.length === 0) this.abortPlay();
  }

  private abortPlay(): void {
    this.playRun.aborted = true;
    for (const host of this.playRun.batch) if (isActive(host)) host.ended = true;
  }

  private async runBlock(block: BlockNode, hosts: readonly HostState[], scope: Scope): Promise<void> {
    const inner: Scope = { ...scope, blocks: [...scope.blocks, block.keywords], includeParams: { ...scope.includeParams, ...block.includeParams } };
    const section = (name: Frame['section'], nodes: readonly TaskNode[]): Scope => ({ ...inner, frames: [...scope.frames, { section: name, rescue: block.rescue, always: block.always, nodes, index: 0 }] });
    const failuresBefore = new Map(hosts.map((host) => [host, host.stats.failed]));
    await this.runNodes(block.block, hosts, section('block', block.block));
    const failedInBlock = hosts.filter((host) => host.failed && !host.unreachable);
    if (block.rescue.length > 0 && failedInBlock.length > 0) {
      for (const host of failedInBlock) {
        host.failed = false;
        const byHandler = host.failedInHandler;
        host.failedInHandler = false;
        // A host failed by another's run_once task has no failure of its own to count as rescued.
        if (host.stats.failed === failuresBefore.get(host) || byHandler) continue;
        host.stats.failed -= 1;
        host.stats.rescued += 1;
      }
      await this.runNodes(block.rescue, failedInBlock, section('rescue', block.rescue));
    }
    if (block.always.length > 0) {
      const stillFailed = hosts.filter((host) => host.failed && !host.unreachable);
      const cleared = new Map(stillFailed.map((host) => [host, host.errorsCleared]));
      for (const host of stillFailed) host.failed = false;
      await this.runNodes(block.always, hosts.filter((host) => !host.unreachable && !host.ended), section('always', block.always));
      // As Ansible's iterator, a host whose errors an always section cleared goes on with the tasks after the block.
      for (const host of stillFailed) if (host.errorsCleared === cleared.get(host)) host.failed = true;
    }
  }

  private loadContext(baseDir: string, scope: Scope, role?: Role): LoadContext {
    const { play } = this.playRun;
    return {
      registry: this.registry,
      roleSearchPath: this.roleSearchPath,
      baseDir,
      role,
      tags: [],
      when: [],
      play: {
        roles: [],
        handlers: [],
        roleKeys: new Set(),
        // A role imported by a file included now has its handlers once in the play, as static roles have.
        handlerRoles: new Set([...this.playRun.handlers].flatMap((handler) => (handler.role ? [handler.position.file] : []))),
      },
      importing: [],
      playDir: this.playRun.play.baseDir,
      moduleDefaults: [play.keywords.module_defaults, ...scope.blocks.map((block) => block.module_defaults)],
      collections: role ? role.collections : collectionsOf(play.keywords.collections),
    };
  }

  /** Reads task files when an include runs; the handlers of roles they import join the play's then, as Ansible adds them. */
  private async loadAtRunTime<T>(baseDir: string, scope: Scope, role: Role | undefined, load: (ctx: LoadContext) => T): Promise<T> {
    let imported: Handler[] = [];
    const loaded = await withModules(this.registry, () => {
      const ctx = this.loadContext(baseDir, scope, role);
      imported = ctx.play.handlers;
      return load(ctx);
    });
    this.playRun.handlers.add(imported, [...new Set(imported.map((handler) => handler.position.file))].join('\u0000'));
    return loaded;
  }

  /**
   * Evaluates an include for each host: its conditions, its loop, its target; groups the hosts that include the
   * same thing with the same parameters.
   */
  private planIncludes(node: IncludeTasksNode | IncludeRoleNode, hosts: readonly HostState[], scope: Scope, info: TaskInfo): IncludeGroup[] {
    const groups = new Map<string, IncludeGroup>();
    for (const host of hosts) {
      const vars = taskVars(this.playRun, host, scope, node);
      const searchPaths = taskSearchPath(scope.role ?? node.role, node.baseDir, this.playRun.run.playbookDir);
      const templar = createTemplar(vars, { searchPaths });
      try {
        const conditions = conditionsOf(node);
        const failed = conditions.find((condition) => !templar.condition(condition as string));
        // In --check, an include that waits for an earlier task is included: its tasks are planned as depending on it.
        const dependsOn = failed === undefined ? undefined : planDependency(host, conditions, String(failed), vars);
        if (failed !== undefined && dependsOn === undefined) {
          host.stats.skipped += 1;
          const result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
          if (typeof node.keywords.register === 'string') host.hostVars[node.keywords.register] = result;
          this.run.reporter.hostResult(info, { host: host.name, status: 'skipped', result, diff: [], ignored: false, hidden: false }, false);
          continue;
        }
        const control = (node.keywords.loop_control ?? {}) as Record<string, unknown>;
        const loopVar = String(templar.render(control.loop_var ?? 'item'));
        const items = loopItems({ ...node, kind: 'action' } as unknown as ActionTask, templar);
        const indexVar = control.index_var === undefined ? undefined : String(templar.render(control.index_var));
        for (const [index, item] of (items ?? [undefined]).entries()) {
          // As Ansible's IncludedFile, the item, its index and ansible_loop are parameters of the include: its tasks see them.
          const extended = items && keywordBool(control.extended ?? false) ? { ansible_loop: extendedLoopInfo(items, index, keywordBool(control.extended_allitems ?? true)) } : {};
          const loopVars = items ? { [loopVar]: item, ...(indexVar ? { [indexVar]: index } : {}), ...extended } : {};
          const itemVars = { ...vars, ...loopVars };
          const itemTemplar = createTemplar(itemVars, { searchPaths });
          const target = String(itemTemplar.render(node.kind === 'include_tasks' ? node.file : node.roleName));
          const params = { ...((itemTemplar.render(node.keywords.vars ?? {}) as Record<string, unknown>) ?? {}), ...loopVars };
          const roleFiles = node.kind === 'include_role' ? renderedRoleFiles(node, itemTemplar) : undefined;
          const key = `${target}\u0000${JSON.stringify(params)}\u0000${dependsOn ?? ''}\u0000${JSON.stringify(roleFiles ?? {})}`;
          const group: IncludeGroup = groups.get(key) ?? { target, params, roleFiles, hosts: [], item: items ? { label: control.label === undefined ? stripUnsafe(item) : itemTemplar.render(control.label) } : undefined, dependsOn };
          group.hosts.push(host);
          groups.set(key, group);
        }
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        this.failInclude(node, host, scope, info, templar, { failed: true, msg: `${info.where}: ${error.message}` });
      }
    }
    return [...groups.values()];
  }

  /** An include that failed for a host (its condition or loop could not be templated): ignore_errors and register hold, as for any task. */
  private failInclude(node: IncludeTasksNode | IncludeRoleNode, host: HostState, scope: Scope, info: TaskInfo, templar: Templar, result: Record<string, unknown>): void {
    let ignored = false;
    try {
      ignored = keywordBool(templar.render(inheritedKeyword(this.playRun, scope, node, 'ignore_errors') ?? false));
    } catch {
      ignored = false;
    }
    if (ignored) {
      host.stats.ok += 1;
      host.stats.ignored += 1;
    } else {
      host.stats.failed += 1;
      host.failed = true;
    }
    const register = node.keywords.register;
    if (typeof register === 'string') host.hostVars[register] = result;
    this.run.reporter.hostResult(info, { host: host.name, status: 'failed', result, diff: [], ignored, hidden: false }, false);
  }

  /** As Ansible's, an include with run_once is included for the first host only (its tasks do not inherit run_once). */
  private includingHosts(node: IncludeTasksNode | IncludeRoleNode, hosts: readonly HostState[], scope: Scope): readonly HostState[] {
    return keywordBool(inheritedKeyword(this.playRun, scope, node, 'run_once')) ? hosts.slice(0, 1) : hosts;
  }

  private async runIncludeTasks(node: IncludeTasksNode, allHosts: readonly HostState[], scope: Scope): Promise<void> {
    if (!this.selected(node, scope, allHosts)) return;
    const hosts = this.includingHosts(node, allHosts, scope);
    const info = this.taskInfo(node, scope, node.legacyAction ?? 'include_tasks');
    this.run.reporter.taskStart(info, hosts.length);
    const pathOf = (target: string) => (node.preloadedPath && target === node.file ? node.preloadedPath : isAbsolute(target) ? target : join(node.baseDir, target));
    const groups = this.planIncludes(node, hosts, scope, info).map((group) => ({ ...group, path: pathOf(group.target) }));
    // As Ansible's strategy: every file is loaded (and shown as included once loaded) before any of them runs.
    const loaded: Array<{ group: (typeof groups)[number]; tasks: TaskNode[] }> = [];
    for (const group of groups) {
      const preloaded = node.preloaded && group.target === node.file ? node.preloaded : undefined;
      if (!preloaded && !existsSync(group.path)) {
        // As Ansible's, a missing file fails the hosts that include it (ignore_errors or not), not the run.
        const result = { failed: true, reason: `Could not find or access '${group.path}' on the Ansible Controller.` };
        for (const host of group.hosts) {
          host.stats.failed += 1;
          host.failed = true;
          this.run.reporter.hostResult(info, { host: host.name, status: 'failed', result, diff: [], ignored: false, hidden: false }, false);
        }
        continue;
      }
      const tasks = preloaded ?? (await this.loadAtRunTime(node.baseDir, scope, scope.role ?? node.role, (ctx) => loadTaskFile(group.path, ctx, node.position)));
      if (scope.isHandler) checkHandlerFileTasks(tasks);
      // Like Ansible, each included file (per item) counts as one ok.
      for (const host of group.hosts) host.stats.ok += 1;
      this.run.reporter.included(info, group.path, group.hosts.map((host) => host.name), group.item);
      loaded.push({ group, tasks });
    }
    const { when: _when, tags: _tags, loop: _loop, apply: _apply, run_once: _runOnce, ...inherited } = node.keywords;
    const apply = node.apply ?? {};
    for (const { group, tasks } of loaded) {
      await this.runNodes(tasks, group.hosts, {
        ...scope,
        frames: [...scope.frames, includedFrame(tasks)],
        blocks: [...scope.blocks, { ...inherited, vars: undefined }, { ...apply, tags: undefined }],
        includeParams: { ...scope.includeParams, ...group.params },
        appliedTags: [...scope.appliedTags, ...node.parentTags, ...asTags(apply.tags)],
        dependsOn: group.dependsOn ?? scope.dependsOn,
      });
    }
  }

  private async runIncludeRole(node: IncludeRoleNode, allHosts: readonly HostState[], scope: Scope): Promise<void> {
    if (!this.selected(node, scope, allHosts)) return;
    const hosts = this.includingHosts(node, allHosts, scope);
    const info = this.taskInfo(node, scope, `include_role : ${node.roleName}`);
    this.run.reporter.taskStart(info, hosts.length);
    for (const group of this.planIncludes(node, hosts, scope, info)) {
      const preloaded = node.preloaded && group.target === node.roleName ? node.preloaded : undefined;
      const files = group.roleFiles ?? { tasks: node.tasksFrom, handlers: node.handlersFrom };
      const role = preloaded?.role ?? loadRole({ name: group.target, params: group.params, from: files, position: node.position }, this.roleSearchPath, scope.role ?? node.role);
      const { tasks, handlers } = preloaded ?? (await this.loadAtRunTime(join(role.path, 'tasks'), scope, role, (ctx) => loadIncludedRole(role, ctx, node, files)));
      this.playRun.handlers.add(handlers, [role.path, files.tasks, files.handlers, JSON.stringify(group.params)].join('\u0000'), group.params);
      if (this.isPublic(node, group.hosts, scope)) this.playRun.play.roles.push({ ...role, params: group.params });
      await this.runNodes(tasks, group.hosts, {
        ...scope,
        frames: [...scope.frames, includedFrame(tasks)],
        role: { ...role, params: group.params },
        blocks: [...scope.blocks, { ...node.apply, tags: undefined }],
        includeParams: { ...scope.includeParams, ...group.params },
        appliedTags: [...scope.appliedTags, ...node.parentTags, ...asTags(node.apply?.tags)],
        dependsOn: group.dependsOn ?? scope.dependsOn,
      });
    }
  }

  /** As Ansible's include_role `public`, templated with the first host's variables. */
  private isPublic(node: IncludeRoleNode, hosts: readonly HostState[], scope: Scope): boolean {
    if (node.public === undefined || hosts.length === 0) return false;
    return keywordBool(createTemplar(taskVars(this.playRun, hosts[0], scope, node)).render(node.public));
  }

  /**
   * meta tasks as ansible-core 2.14 runs them: never counted in the recap; noop, flush_handlers and end_host act
   * (and show their heading) per host, the others once, their condition evaluated on the first host.
   */
  private async runMeta(node: MetaNode, hosts: readonly HostState[], scope: Scope): Promise<void> {
    const info = this.taskInfo(node, scope, 'meta');
    const holds = (host: HostState) => {
      const templar = createTemplar(taskVars(this.playRun, host, scope, node), { searchPaths: taskSearchPath(scope.role ?? node.role, node.baseDir, this.playRun.run.playbookDir) });
      return conditionsOf(node).every((condition) => templar.condition(condition as string));
    };
    const said = (host: HostState, acted: boolean) => this.run.reporter.meta?.(info, metaMessage(node.action, host.name, acted));
    const skipped = (host: HostState) => {
      said(host, false);
      this.run.reporter.hostResult(info, { host: host.name, status: 'skipped', result: skippedMetaResult(node.action, host.name), diff: [], ignored: false, hidden: false }, false);
    };
    if (PER_HOST_META.has(node.action)) {
      const notFlushing = new Set<HostState>();
      for (const host of hosts) {
        this.run.reporter.taskStart(info, 1);
        // noop and reset_connection have no condition in Ansible's eyes.
        if (node.action === 'noop') said(host, true);
        else if (node.action === 'reset_connection') {
          if (holds(host)) await this.run.pool.reset(host.name);
          said(host, true);
        } else if (!holds(host)) {
          skipped(host);
          notFlushing.add(host);
        } else {
          said(host, true);
          if (node.action === 'end_host') host.ended = true;
        }
      }
      if (node.action === 'flush_handlers') await this.flushHandlers(notFlushing);
      return;
    }
    this.run.reporter.taskStart(info, 1);
    const [first] = hosts;
    if (!holds(first)) {
      skipped(first);
      return;
    }
    said(first, true);
    const playHosts = this.playRun.playHosts.flatMap((name) => this.run.hosts.get(name) ?? []);
    switch (node.action) {
      case 'end_play':
        this.playRun.aborted = true;
        for (const host of this.playRun.batch) host.ended = true;
        break;
      case 'end_batch':
        for (const host of this.playRun.batch) host.ended = true;
        break;
      case 'clear_facts':
        for (const host of playHosts) host.facts = {};
        break;
      case 'clear_host_errors':
        // The failed hosts come back for the next plays; in this play their tasks are already over, but for
        // the hosts running this task (in an always section, where their failure waits).
        for (const host of playHosts) {
          host.errorsCleared += 1;
          if (!host.failed && !host.unreachable) continue;
          if (this.playRun.batch.includes(host)) host.ended = true;
          host.failed = false;
          host.unreachable = false;
        }
        break;
      case 'refresh_inventory': {
        await this.run.inventory.refresh();
        // As Ansible's strategy, which asks the inventory for the play's hosts at each task: a host the sources no longer have leaves the play.
        const kept = new Set(this.run.inventory.hostNames());
        for (const host of this.playRun.batch) if (!kept.has(host.name) && !isImplicitLocalhost(this.run, host.name)) host.ended = true;
        break;
      }
    }
  }

  /** Runs notified handlers in the order they are defined, once each, on the hosts that notified them (but those left out). */
  async flushHandlers(leftOut: ReadonlySet<HostState> = new Set()): Promise<void> {
    // The play's force_handlers, when written, wins over --force-handlers and ansible.cfg's.
    const written = this.playRun.play.keywords.force_handlers;
    const force = written === undefined ? this.run.options.forceHandlers : keywordBool(written);
    const flushing = this.playRun.batch.filter((host) => !leftOut.has(host));
    for (const handler of this.playRun.handlers) {
      const targets = flushing.filter((host) => host.notified.has(handler) && (isActive(host) || (force && host.failed && !host.unreachable)));
      for (const host of flushing) host.notified.delete(handler);
      if (targets.length === 0) continue;
      const wasFailed = targets.filter((host) => host.failed);
      for (const host of wasFailed) host.failed = false;
      const scope = handlerScope(handler);
      if (handler.kind === 'include_tasks') await this.runIncludeTasks(handler, targets, scope);
      else if (handler.kind === 'meta') await this.runMeta(handler, targets, scope);
      else await this.runAction(handler, targets, scope);
      for (const host of wasFailed) host.failed = true;
    }
  }
}

/** Where a handler runs: in its role, with the parameters of the include_role that brought it, in no block. */
function handlerScope(handler: Handler): Scope {
  return { blocks: [], role: handler.role, includeParams: handler.includeParams ?? {}, frames: [], isHandler: true, appliedTags: [] };
}

type IncludedRoleFiles = RoleFiles & { tasks: string; handlers: string };

/** A role included at run time: its tasks (from its tasks_from) and its handlers (from its handlers_from). */
function loadIncludedRole(role: Role, ctx: LoadContext, node: IncludeRoleNode, files: IncludedRoleFiles): { tasks: TaskNode[]; handlers: Handler[] } {
  return { tasks: roleTasks(role, ctx, files.tasks, node.position, {}, node.validatesArguments), handlers: includedRoleHandlers(role, ctx, files.handlers) };
}

interface IncludeGroup {
  target: string;
  params: Record<string, unknown>;
  /** An include_role's tasks_from, handlers_from, vars_from and defaults_from, rendered for these hosts. */
  roleFiles?: IncludedRoleFiles;
  hosts: HostState[];
  item?: { label: unknown };
  /** In --check: the earlier task the included tasks wait for (see plan-dependency.ts). */
  dependsOn?: string;
}

/** As Ansible's include_role, its *_from file names are rendered when it runs (a vars or defaults file's folders dropped). */
function renderedRoleFiles(node: IncludeRoleNode, templar: Templar): IncludedRoleFiles {
  // As Ansible's, an option rendered to `omit` is left out: the file is main.
  const render = (name: string) => {
    const value = templar.render(name);
    return value === OMIT ? undefined : String(value);
  };
  const rendered = (name: string | undefined) => {
    const value = name === undefined ? undefined : render(name);
    return value === undefined ? undefined : basename(value);
  };
  return {
    tasks: render(node.tasksFrom) ?? 'main',
    handlers: render(node.handlersFrom) ?? 'main',
    vars: rendered(node.roleFiles?.vars),
    defaults: rendered(node.roleFiles?.defaults),
  };
}

/** meta actions that act on every host (the others act once, for the whole batch). */
const PER_HOST_META = new Set(['noop', 'flush_handlers', 'end_host', 'reset_connection']);

/** Included tasks sit in the include's section as a block of their own, with neither rescue nor always. */
function includedFrame(nodes: readonly TaskNode[]): Frame {
  return { section: 'block', rescue: [], always: [], nodes, index: 0 };
}

function loopItemsDeclared(task: ActionTask): boolean {
  return Object.keys(task.keywords).some((key) => key === 'loop' || key.startsWith('with_'));
}
