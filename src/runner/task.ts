import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BecomeError } from '../connection/become.js';
import { UnreachableError } from '../connection/types.js';
import { ArgumentError } from '../modules/args.js';
import type { AsyncJob, FileDiff, ModuleContext, ModuleResult } from '../modules/contract.js';
import { collectionsOf, moduleDefaultArgs } from '../playbook/module-defaults.js';
import { formatPosition } from '../playbook/source.js';
import { taskSearchPath } from '../playbook/search-path.js';
import type { ActionTask, Handler } from '../playbook/types.js';
import { findInSearchPath } from '../template/lookup-files.js';
import { UndefinedVariableError } from '../template/errors.js';
import { pythonStr } from '../template/python-repr.js';
import { createTemplar, OMIT, stripUnsafe, TemplateError, type Templar } from '../template/templar.js';
import { connectionFor, connectionName, isImplicitLocalhost, settingsFor, targetVars } from './connections.js';
import type { HostEvent, HostStatus, TaskInfo } from './events.js';
import { censored, noLogSecrets } from './censor.js';
import { executeModule, type Execution } from './execute-module.js';
import { keepCustomStats } from './custom-stats.js';
import { applyFacts } from './facts.js';
import { addPlayContextVars, connectedVars } from './play-context-vars.js';
import { registeredValue } from './registered.js';
import { conditionsOf, inheritedEnvironment, inheritedKeyword, keywordBool } from './keywords.js';
import { LoopError, loopItems } from './loops.js';
import { dependentResult, mayChange, notifierOf, planDependency } from './plan-dependency.js';
import { newHostState, type HostState, type PlayRun, type Scope } from './state.js';
import { stoppable, timedOutResult, wholeSeconds, withinTime } from './task-timeout.js';
import { asyncRefusal, newJobId, pollJob, runJob, startedResult, type AsyncSettings } from './async-task.js';
import { taskVars } from './vars.js';

export interface Outcome {
  status: HostStatus;
  result: ModuleResult;
  diff: FileDiff[];
  ignored: boolean;
  hidden: boolean;
  delegatedTo?: string;
  runnerError?: boolean;
  /** What `register` stores when it differs from the result shown: set_fact's values with their unsafe marks. */
  registered?: ModuleResult;
}


/** Drops arguments equal to `omit`; a list or dict with none keeps its identity (and so its unsafe mark). */
function dropOmitted(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof String) return value;
  // Every task's arguments pass here: nothing is copied (or allocated) until something is left out or changes.
  if (Array.isArray(value)) {
    let kept: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index] === OMIT ? OMIT : dropOmitted(value[index]);
      if (item !== value[index] || item === OMIT) kept ??= value.slice(0, index);
      if (kept && item !== OMIT) kept.push(item);
    }
    return kept ?? value;
  }
  const record = value as Record<string, unknown>;
  let kept: Record<string, unknown> | undefined;
  const keys = Object.keys(record);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index];
    const item = record[key] === OMIT ? OMIT : dropOmitted(record[key]);
    if (!kept && (item !== record[key] || item === OMIT)) kept = Object.fromEntries(keys.slice(0, index).map((earlier) => [earlier, record[earlier]]));
    if (kept && item !== OMIT) kept[key] = item;
  }
  return kept ?? value;
}

/**
 * One `environment` layer, rendered key by key as Ansible's Task renders it: a value that needs the host's
 * ansible_env before the facts have it (PATH: "{{ ansible_env.PATH }}:/opt/bin" at fact gathering) is left out.
 */
function environmentLayer(templar: Templar, layer: unknown): Record<string, string> {
  const mapping = layer !== null && typeof layer === 'object' && !Array.isArray(layer) ? (layer as Record<string, unknown>) : templar.render(layer);
  const environment: Record<string, string> = {};
  if (mapping === null || typeof mapping !== 'object') return environment;
  for (const [key, value] of Object.entries(mapping as Record<string, unknown>)) {
    try {
      environment[key] = String(templar.render(value));
    } catch (error) {
      if (error instanceof UndefinedVariableError && /ansible_env|ansible_facts\.env/.test(error.message)) continue;
      throw error;
    }
  }
  return environment;
}

/** A task Ansible's task executor fails before its module runs (arguments from a variable that are not a mapping): its message alone. */
class ExecutorError extends Error {}

/** Ansible's warning for a task whose arguments come from a variable. */
const VARIABLE_ARGS_WARNING = "Using a variable for a task's 'args' is unsafe in some situations (see https://docs.ansible.com/ansible/devel/reference_appendices/faq.html#argsplat-unsafe)";

/**
 * As Ansible's TaskResult.is_failed: where failed_when gave a verdict (on the result, or on its loop items) that
 * verdict counts, even against a `failed` the retries of `until` set; else `failed`.
 */
function isFailed(result: ModuleResult): boolean {
  const items = Array.isArray(result.results) ? (result.results as unknown[]).filter((item): item is ModuleResult => typeof item === 'object' && item !== null) : [];
  if ('failed_when_result' in result) return Boolean(result.failed_when_result);
  if (items.some((item) => 'failed_when_result' in item)) return items.some((item) => Boolean(item.failed_when_result));
  return Boolean(result.failed);
}

function statusOf(result: ModuleResult): HostStatus {
  if (result.unreachable) return 'unreachable';
  if (isFailed(result)) return 'failed';
  if (result.skipped) return 'skipped';
  return result.changed ? 'changed' : 'ok';
}

function linesOf(text: unknown): string[] {
  return typeof text === 'string' && text.length > 0 ? text.replace(/\n$/, '').split('\n') : [];
}

/** Runs one task on one host: conditions, loop, retries, the module, changed_when/failed_when. */
export class TaskExecution {
  private readonly where: string;

  constructor(
    private readonly playRun: PlayRun,
    private readonly scope: Scope,
    private readonly task: ActionTask,
    private readonly info: TaskInfo,
    private readonly onItem: (event: HostEvent) => void,
    private readonly onRetry: (host: string, retriesLeft: number) => void,
  ) {
    this.where = formatPosition(task.position);
  }

  private keyword(name: string): unknown {
    return inheritedKeyword(this.playRun, this.scope, this.task, name);
  }

  /** A keyword rendered for this host; where it renders to omit, the level above gives it, as in Ansible. */
  private renderedKeyword(name: string, templar: Templar): unknown {
    const omitted = (value: unknown) => typeof value === 'string' && value.includes('omit') && templar.render(value) === OMIT;
    const written = inheritedKeyword(this.playRun, this.scope, this.task, name, omitted);
    return written === undefined ? undefined : templar.render(written);
  }

  /** What `module_defaults` of the play, the blocks and imports around, and the task give this task's module. */
  private moduleDefaults(): Record<string, unknown> {
    const { play } = this.playRun;
    const role = this.scope.role ?? this.task.role;
    const layers = [play.keywords.module_defaults, ...this.scope.blocks.map((block) => block.module_defaults), this.task.keywords.module_defaults];
    return moduleDefaultArgs(this.task.module, layers, role ? role.collections : collectionsOf(play.keywords.collections));
  }

  private searchPaths(): string[] {
    return taskSearchPath(this.scope.role ?? this.task.role, this.task.baseDir, this.playRun.run.playbookDir);
  }

  /** Where the copy/template action looks for its `src`, as Ansible's _find_needle: the search path's `kind` folders first. */
  private findFile(kind: 'files' | 'templates', path: string): string {
    if (isAbsolute(path)) return path;
    return findInSearchPath(path, kind, this.searchPaths()) ?? join(this.searchPaths()[0], kind, path);
  }

  private conditionsHold(templar: Templar): { ok: boolean; failed?: string } {
    const conditions = conditionsOf(this.task);
    for (const condition of conditions) {
      if (!templar.condition(condition as string | boolean | unknown[])) return { ok: false, failed: String(condition) };
    }
    return { ok: true };
  }

  async run(host: HostState): Promise<Outcome> {
    const hidden = keywordBool(this.keyword('no_log'));
    const ignoreErrors = (templar: Templar) => keywordBool(templar.render(this.keyword('ignore_errors') ?? false));
    const vars = taskVars(this.playRun, host, this.scope, this.task);
    const templar = createTemplar(vars, { searchPaths: this.searchPaths() });
    let delegatedTo: string | undefined;
    try {
      const items = this.loopItemsUnlessSkipped(templar);
      // A loop's delegate is worked out for each item (delegate_to: "{{ item }}"), as Ansible's.
      const delegation = items === undefined ? this.delegation(host, vars, templar) : undefined;
      delegatedTo = delegation?.label;
      const target = delegation?.target;
      const { result, diff } = items === undefined ? await this.runConditional(host, vars, templar, target) : await this.runLoop(host, vars, items, hidden);
      if (items === undefined) {
        applyFacts(this.task.module, this.factsHost(host, target), result);
        keepCustomStats((this.playRun.run.customStats ??= new Map()), host.name, result);
      }
      const status = statusOf(result);
      const ignored = status === 'failed' && ignoreErrors(templar);
      const shown = stripUnsafe(result) as ModuleResult;
      return { status, result: shown, diff, ignored, hidden, delegatedTo, ...(shown === result ? {} : { registered: result }) };
    } catch (error) {
      if (error instanceof UnreachableError) {
        const ignoreUnreachable = keywordBool(this.keyword('ignore_unreachable'));
        return { status: 'unreachable', result: { changed: false, unreachable: true, msg: error.message }, diff: [], ignored: ignoreUnreachable, hidden: false, delegatedTo };
      }
      if (error instanceof BecomeError) {
        return { status: 'failed', result: { changed: false, failed: true, msg: error.message }, diff: [], ignored: false, hidden: false, delegatedTo };
      }
      if (error instanceof TemplateError || error instanceof LoopError || error instanceof ArgumentError || error instanceof ExecutorError) {
        // An argument problem fails the task as Ansible's module does, and a loop's own error as Ansible's lookup
        // does (their message alone), as does the executor's own; the others name the task.
        const msg = error instanceof ArgumentError ? error.ansibleMessage : error instanceof TemplateError ? `${this.where}: task '${this.info.title}': ${error.message}` : error.message;
        let ignored = false;
        try {
          ignored = ignoreErrors(templar);
        } catch {
          ignored = false;
        }
        return { status: 'failed', result: { changed: false, failed: true, msg }, diff: [], ignored, hidden: false, delegatedTo, runnerError: !(error instanceof ArgumentError) };
      }
      throw error;
    }
  }

  private connectionKeyword(templar: Templar): string | undefined {
    const keyword = this.keyword('connection');
    return keyword === undefined ? undefined : String(templar.render(keyword));
  }

  /**
   * The task's delegate (delegate_to rendered with these variables), and what the task then sees, as Ansible's play
   * context: the connection it uses and how it reaches its target when no variable says, and the delegate's own
   * variables under ansible_delegated_vars.
   */
  private delegation(host: HostState, vars: Record<string, unknown>, templar: Templar): { target?: string; label?: string } {
    const delegate = this.keyword('delegate_to');
    const target = delegate === undefined ? undefined : String(templar.render(delegate));
    const { run } = this.playRun;
    const reachedWith = targetVars(run, vars, target);
    const connection = connectionName(run, target ?? host.name, templar.render(reachedWith.ansible_connection), this.connectionKeyword(templar));
    vars.ansible_connection ??= connection;
    addPlayContextVars(vars, {
      address: isImplicitLocalhost(run, host.name) ? '127.0.0.1' : host.name,
      ...(target === undefined ? {} : { delegate: { name: target, vars: reachedWith } }),
      connection,
      remoteUser: this.keyword('remote_user') ?? run.options.user,
      privateKeyFile: run.options.connectionDefaults.privateKeyFile,
      timeoutSeconds: (run.options.connectionDefaults.connectTimeoutMs ?? 10_000) / 1000,
      pipelining: run.options.pipelining ?? false,
    });
    if (target !== undefined) vars.ansible_delegated_vars = { [target]: { ...reachedWith, inventory_hostname: target } };
    return { target, label: target === undefined || target === host.name ? undefined : this.delegateLabel(target, templar) };
  }

  /** Whose facts a task's facts are: the delegate's with delegate_facts (a host this run then knows), else the task's host's. */
  private factsHost(host: HostState, target: string | undefined): HostState {
    if (target === undefined || target === host.name || !keywordBool(this.keyword('delegate_facts') ?? false)) return host;
    const { run } = this.playRun;
    const known = run.hosts.get(target);
    if (known !== undefined) return known;
    const delegate = newHostState(target, run.inventory.hostNames().includes(target) ? run.inventory.hostVars(target) : {});
    run.hosts.set(target, delegate);
    return delegate;
  }

  /** As Ansible shows a delegate: its name, and its address when that differs ("h2(10.0.0.2)"). */
  private delegateLabel(delegate: string, templar: Templar): string {
    const { inventory } = this.playRun.run;
    const address = inventory.hostNames().includes(delegate) ? inventory.hostVars(delegate).ansible_host : undefined;
    const shown = address === undefined ? delegate : String(templar.render(address));
    return shown === delegate ? delegate : `${delegate}(${shown})`;
  }

  /** As Ansible: a loop that cannot be templated fails the task only when its conditions hold without the loop. */
  private loopItemsUnlessSkipped(templar: Templar): unknown[] | undefined {
    try {
      return loopItems(this.task, templar);
    } catch (error) {
      if (!(error instanceof TemplateError) || this.conditionsHold(templar).ok) throw error;
      return undefined;
    }
  }

  private async runConditional(host: HostState, vars: Record<string, unknown>, templar: Templar, target: string | undefined) {
    const check = this.conditionsHold(templar);
    const dependsOn = this.waitsFor(host, vars, check);
    if (dependsOn !== undefined) return { result: dependentResult(dependsOn), diff: [] };
    if (!check.ok) {
      return { result: { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: check.failed } as ModuleResult, diff: [] };
    }
    const outcome = await this.runWithRetries(host, vars, templar, target);
    // A handler that check mode cannot run (a command) runs for real once the task that notified it has changed.
    const notifier = this.scope.isHandler && vars.ansible_check_mode === true && outcome.result.skipped === true && mayChange(this.task) ? notifierOf(host, this.task as Handler) : undefined;
    return notifier === undefined ? outcome : { result: dependentResult(notifier), diff: [] };
  }

  /**
   * In --check, the earlier task of the run this task waits for (see plan-dependency.ts): its condition fails only
   * because of check mode, or it sits in an include that waits for one. Never for a task that cannot change a host.
   */
  private waitsFor(host: HostState, vars: Record<string, unknown>, check: { ok: boolean; failed?: string }): string | undefined {
    if (vars.ansible_check_mode !== true || !mayChange(this.task)) return undefined;
    if (check.ok) return this.scope.dependsOn;
    return planDependency(host, conditionsOf(this.task), check.failed ?? '', vars);
  }

  private async runLoop(host: HostState, vars: Record<string, unknown>, items: unknown[], hidden: boolean) {
    const control = (this.task.keywords.loop_control ?? {}) as Record<string, unknown>;
    const controlTemplar = createTemplar(vars);
    const loopVar = String(controlTemplar.render(control.loop_var ?? 'item'));
    const indexVar = control.index_var === undefined ? undefined : String(controlTemplar.render(control.index_var));
    const results: ModuleResult[] = [];
    const notices: { warnings: unknown[]; deprecations: unknown[] } = { warnings: [], deprecations: [] };
    const diffs: FileDiff[] = [];
    const extended = keywordBool(control.extended ?? false);
    const pauseSeconds = control.pause === undefined ? 0 : Number(controlTemplar.render(control.pause));
    for (const [index, item] of items.entries()) {
      // loop_control.pause: the wait between two items.
      if (index > 0 && pauseSeconds > 0) await sleep(pauseSeconds * 1000);
      const itemVars: Record<string, unknown> = { ...vars, [loopVar]: item, ansible_loop_var: loopVar };
      if (indexVar) Object.assign(itemVars, { [indexVar]: index, ansible_index_var: indexVar });
      const loopInfo = extended ? extendedLoopInfo(items, index, keywordBool(control.extended_allitems ?? true)) : undefined;
      if (loopInfo) itemVars.ansible_loop = loopInfo;
      const itemTemplar = createTemplar(itemVars, { searchPaths: this.searchPaths() });
      const { target, label: delegatedTo } = this.delegation(host, itemVars, itemTemplar);
      const check = this.conditionsHold(itemTemplar);
      const dependsOn = this.waitsFor(host, itemVars, check);
      const outcome =
        dependsOn !== undefined
          ? { result: dependentResult(dependsOn), diff: [] }
          : check.ok
            ? await this.runWithRetries(host, itemVars, itemTemplar, target)
            : { result: { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: check.failed } as ModuleResult, diff: [] };
      // Each item sees the facts the items before it set (set_fact accumulating over a loop).
      const factsHost = this.factsHost(host, target);
      const set = applyFacts(this.task.module, factsHost, outcome.result);
      if (factsHost === host) Object.assign(vars, set);
      keepCustomStats((this.playRun.run.customStats ??= new Map()), host.name, outcome.result);
      const { warnings, deprecations, ...itemResult } = stripUnsafe(outcome.result) as ModuleResult;
      // As Ansible: the items' warnings move to the loop's result and are shown once, after the items.
      notices.warnings.push(...(Array.isArray(warnings) ? warnings : warnings ? [warnings] : []));
      notices.deprecations.push(...(Array.isArray(deprecations) ? deprecations : deprecations ? [deprecations] : []));
      const result: ModuleResult = { ...itemResult, [loopVar]: stripUnsafe(item), ansible_loop_var: loopVar };
      if (indexVar) Object.assign(result, { [indexVar]: index, ansible_index_var: indexVar });
      if (loopInfo) result.ansible_loop = loopInfo;
      results.push(result);
      diffs.push(...outcome.diff);
      // As Ansible's, the label is templated, `{{ item }}` by default: an item holding template text shows it rendered.
      const label = itemTemplar.render(control.label ?? `{{ ${loopVar} }}`);
      const ignored = statusOf(result) === 'failed' && keywordBool(itemTemplar.render(this.keyword('ignore_errors') ?? false));
      this.onItem({
        host: host.name,
        status: statusOf(result),
        result: hidden ? censored(result) : result,
        diff: hidden ? [] : outcome.diff,
        item: { label: hidden ? null : label },
        delegatedTo,
        ignored,
        hidden,
      });
    }
    const failed = results.some((result) => result.failed);
    const summary: ModuleResult = {
      changed: results.some((result) => result.changed),
      msg: failed ? 'One or more items failed' : 'All items completed',
      results,
    };
    // As Ansible: the items' warnings move up to the task's result.
    const warnings = results.flatMap((result) => (Array.isArray(result.warnings) ? (result.warnings as unknown[]) : []));
    for (const result of results) delete result.warnings;
    if (warnings.length > 0) summary.warnings = warnings;
    if (failed) summary.failed = true;
    const dependsOn = results.find((result) => typeof result.depends_on === 'string')?.depends_on;
    if (dependsOn !== undefined) summary.depends_on = dependsOn;
    if (notices.warnings.length > 0) summary.warnings = notices.warnings;
    if (notices.deprecations.length > 0) summary.deprecations = notices.deprecations;
    if (results.length === 0 || results.every((result) => result.skipped)) {
      summary.skipped = true;
      if (results.length === 0) summary.skipped_reason = 'No items in the list';
    }
    return { result: summary, diff: diffs };
  }

  private async runWithRetries(host: HostState, vars: Record<string, unknown>, templar: Templar, target: string | undefined) {
    const until = this.task.keywords.until;
    const retries = until === undefined ? 0 : Number(templar.render(this.task.keywords.retries ?? 3));
    const delay = Number(templar.render(this.task.keywords.delay ?? 5));
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const outcome = await this.runModule(host, vars, templar, target, until === undefined ? undefined : attempt);
      if (until === undefined || outcome.timedOut) return outcome;
      const withResult = this.resultTemplar(vars, outcome.result);
      if (withResult.condition(until as string)) {
        outcome.result.attempts = attempt;
        return outcome;
      }
      if (attempt > retries) {
        // ansible-core 2.14 runs retries + 1 attempts but reports `attempts: retries` when they all fail.
        outcome.result.attempts = retries;
        outcome.result.failed = true;
        return outcome;
      }
      this.onRetry(host.name, retries + 1 - attempt);
      await sleep(delay * 1000);
    }
  }

  /** `async` and `poll` (ansible.cfg poll_interval), or undefined for a task that runs in the foreground. */
  private asyncSettings(templar: Templar): AsyncSettings | undefined {
    const seconds = wholeSeconds(templar.render(this.task.keywords.async), 'async');
    if (seconds === 0) return undefined;
    return { seconds, poll: wholeSeconds(templar.render(this.task.keywords.poll ?? this.playRun.run.options.pollInterval ?? 15), 'poll') };
  }

  /**
   * A task with `async`: poll 0 leaves the job running (async_status finds it) and returns at once; else it is
   * polled as Ansible polls it (see async-task.ts). Refused as Ansible's action plugins refuse it.
   */
  private async asyncExecution(host: string, module: ActionTask['module'], ctx: ModuleContext, settings: AsyncSettings, start: () => Promise<Execution>, stop: () => void): Promise<Execution> {
    const refusal = asyncRefusal(!module.controllerOnly && !module.noAsync, ctx.check);
    if (refusal) return { result: refusal, diff: [] };
    const jid = newJobId();
    const job: AsyncJob = { host, resultsFile: `~/.ansible_async/${jid}` };
    // A polled job is stopped by the polling; one left running has its own time limit (Ansible's async_wrapper watcher).
    const ended = runJob(start(), settings.poll === 0 ? settings.seconds : 0, stop).then((execution) => {
      job.result = execution.result;
      return execution;
    });
    if (settings.poll === 0) {
      ctx.asyncJobs?.set(jid, job);
      return { result: startedResult(jid, job.resultsFile), diff: [] };
    }
    const polled = await pollJob(jid, job, ended, settings, (event) => this.playRun.run.reporter.asyncJob?.(this.info, host, event, jid));
    if (job.result === undefined) stop();
    return polled;
  }

  private resultTemplar(vars: Record<string, unknown>, result: ModuleResult): Templar {
    const register = this.task.keywords.register;
    const connected = connectedVars(vars);
    return createTemplar(typeof register === 'string' ? { ...connected, [register]: registeredValue(this.task.module, result) } : connected, { searchPaths: this.searchPaths() });
  }

  /** attempt: which run of an `until` task this is (changed_when and failed_when see it as the result's attempts). */
  private async runModule(host: HostState, vars: Record<string, unknown>, templar: Templar, delegate: string | undefined, attempt?: number) {
    const { run } = this.playRun;
    const module = this.task.module;
    let variableArgs: Record<string, unknown> = {};
    if (this.task.variableArgs !== undefined) {
      const rendered = templar.renderKeepingUnsafe(this.task.variableArgs);
      if (rendered === null || typeof rendered !== 'object' || Array.isArray(rendered)) throw new ExecutorError(`invalid or malformed argument: '${pythonStr(rendered)}'`);
      run.reporter.warning(VARIABLE_ARGS_WARNING);
      variableArgs = rendered as Record<string, unknown>;
    }
    const rawArgs = { ...this.moduleDefaults(), ...variableArgs, ...this.task.args };
    const givenArgs = dropOmitted(templar.renderKeepingUnsafe(rawArgs)) as Record<string, unknown>;
    const args = stripUnsafe(givenArgs) as Record<string, unknown>;
    const checkKeyword = this.renderedKeyword('check_mode', templar);
    const diffKeyword = this.renderedKeyword('diff', templar);
    const environment: Record<string, string> = {};
    for (const layer of inheritedEnvironment(this.playRun, this.scope, this.task)) Object.assign(environment, environmentLayer(templar, layer));
    const target = delegate ?? host.name;
    const reachedWith = targetVars(run, vars, delegate);
    const becomeUser = this.renderedKeyword('become_user', templar) ?? templar.render(vars.ansible_become_user ?? run.options.becomeUser);
    const becomeMethod = this.renderedKeyword('become_method', templar);
    const become = {
      become: keywordBool(this.renderedKeyword('become', templar) ?? templar.render(vars.ansible_become ?? run.options.become)),
      becomeUser: becomeUser === undefined ? undefined : String(becomeUser),
      becomeMethod: becomeMethod === undefined ? undefined : String(becomeMethod),
    };
    const remoteUser = this.renderedKeyword('remote_user', templar);
    const port = this.renderedKeyword('port', templar);
    const settings = settingsFor(run, target, reachedWith, templar, become, {
      connection: this.connectionKeyword(templar),
      remoteUser: remoteUser === undefined ? undefined : String(remoteUser),
      port: port === undefined ? undefined : String(port),
    });
    let connected: Templar | undefined;
    const connectedTemplar = () => (connected ??= createTemplar(connectedVars(vars), { searchPaths: this.searchPaths() }));
    let seconds: number;
    let background: AsyncSettings | undefined;
    try {
      seconds = wholeSeconds(this.renderedKeyword('timeout', templar) ?? run.options.taskTimeout);
      background = this.asyncSettings(templar);
    } catch (error) {
      return { result: { failed: true, changed: false, msg: (error as Error).message } as ModuleResult, diff: [] };
    }
    const connection = connectionFor(run, settings, environment, ({ argv, ...record }) =>
      run.reporter.command(this.info, { ...record, ...(keywordBool(this.keyword('no_log')) ? {} : { argv }) }),
    );
    const limited = seconds > 0 || background ? stoppable(connection, this.task.action) : undefined;
    const ctx: ModuleContext = {
      host: host.name,
      connection: limited?.connection ?? connection,
      check: checkKeyword === undefined ? run.options.check : keywordBool(checkKeyword),
      diff: diffKeyword === undefined ? run.options.diff : keywordBool(diffKeyword),
      noLog: keywordBool(this.keyword('no_log')),
      vars,
      evaluate: (expression) => connectedTemplar().evaluate(expression),
      render: (text, options) => templar.renderText(text, options),
      template: (value) => connectedTemplar().render(value),
      findFile: (kind, path) => this.findFile(kind, path),
      origin: { rolePath: (this.scope.role ?? this.task.role)?.path, taskDir: this.task.baseDir, playbookDir: run.playbookDir },
      hostConnection: () => ({ settings: delegate === undefined ? settings : settingsFor(run, host.name, vars, templar, become), delegateTo: delegate }),
      addHost: (name, groups, hostVars) => run.inventory.addHost(name, groups, hostVars),
      addToGroup: (group, parents) => run.inventory.addToGroup(host.name, group, parents),
      asyncJobs: (run.asyncJobs ??= new Map()),
    };
    for (const key of module.secretArgs ?? []) run.secrets.add(args[key]);
    // set_fact stores its values as they are, as Ansible's: unsafe text stays unsafe (never templated when read).
    const moduleArgs = module.setsHostVars ? givenArgs : args;
    // A job in the background: the task's own timeout covers starting it, which takes no time here (as in Ansible).
    const execution = background
      ? await this.asyncExecution(host.name, module, ctx, background, () => executeModule(module, moduleArgs, ctx), () => limited?.stop())
      : await withinTime(executeModule(module, moduleArgs, ctx), seconds, () => limited?.stop());
    // As Ansible's: no changed_when, failed_when or until for a task that ran out of time.
    if (execution === undefined) return { result: timedOutResult(this.task.action, seconds), diff: [], timedOut: true };
    if (!ctx.diff) execution.diff = [];
    for (const key of module.secretResults ?? []) run.secrets.add(execution.result[key]);
    if (ctx.noLog) run.secrets.add(noLogSecrets(rawArgs, args, execution.result));
    const result: ModuleResult = { ...execution.result };
    if (execution.diff.length > 0 && result.diff === undefined) {
      result.diff = execution.diff.map((change) => (change.prepared === undefined ? { before: change.before, after: change.after, before_header: change.beforeHeader, after_header: change.afterHeader } : { prepared: change.prepared }));
    }
    // Ansible adds the _lines keys to what modules on the target return, not to controller actions' results (pause).
    if (!module.controllerOnly) {
      if ('stdout' in result && !('stdout_lines' in result)) result.stdout_lines = linesOf(result.stdout);
      if ('stderr' in result && !('stderr_lines' in result)) result.stderr_lines = linesOf(result.stderr);
    }
    if (result.failed === undefined && !result.skipped) result.failed = false;
    if (attempt !== undefined) result.attempts = attempt;
    const changedWhen = this.task.keywords.changed_when;
    const failedWhen = this.task.keywords.failed_when;
    // As Ansible's task executor: a skipped result is left as it is.
    if ((changedWhen !== undefined || failedWhen !== undefined) && !result.skipped) {
      const withResult = this.resultTemplar(vars, result);
      // As Ansible's task executor: a condition that cannot be evaluated fails the task, the module's result kept.
      let evaluating = 'changed';
      try {
        if (changedWhen !== undefined) result.changed = resultCondition(withResult, changedWhen);
        evaluating = 'failed';
        if (failedWhen !== undefined) {
          const failed = resultCondition(withResult, failedWhen);
          result.failed_when_result = failed;
          result.failed = failed;
        }
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        result.failed = true;
        result[`${evaluating}_when_result`] = error.message;
      }
    }
    return { result, diff: execution.diff };
  }
}

/**
 * changed_when or failed_when (one condition or a list, all of which must hold), as Ansible's Conditional evaluates
 * them: one that cannot be evaluated is an error in its words, which name the condition.
 */
function resultCondition(templar: Templar, conditions: unknown): boolean {
  for (const condition of Array.isArray(conditions) ? conditions : [conditions]) {
    try {
      if (!templar.condition(condition as string)) return false;
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      // Ansible's message of an undefined variable repeats its cause.
      const why = error instanceof UndefinedVariableError ? `${error.message}. ${error.message}` : error.message;
      throw new TemplateError(`The conditional check '${pythonStr(condition)}' failed. The error was: error while evaluating conditional (${pythonStr(condition)}): ${why}`);
    }
  }
  return true;
}

/** loop_control.extended: ansible_loop as Ansible's task executor fills it for one item. */
export function extendedLoopInfo(items: unknown[], index: number, withAllItems: boolean): Record<string, unknown> {
  const info: Record<string, unknown> = {
    index: index + 1,
    index0: index,
    first: index === 0,
    last: index + 1 === items.length,
    length: items.length,
    revindex: items.length - index,
    revindex0: items.length - index - 1,
  };
  if (withAllItems) info.allitems = items;
  if (index + 1 < items.length) info.nextitem = items[index + 1];
  if (index > 0) info.previtem = items[index - 1];
  return info;
}
