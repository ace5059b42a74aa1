import type { TaskNode } from '../playbook/types.js';
import type { PlayRun, Scope } from './state.js';

/** A keyword as it applies to a task: the task's own value, else the nearest block's, else the play's. */
export function inheritedKeyword(playRun: PlayRun, scope: Scope, node: TaskNode, name: string, omitted: (value: unknown) => boolean = () => false): unknown {
  const given = (value: unknown) => value !== undefined && !omitted(value);
  if (given(node.keywords[name])) return node.keywords[name];
  for (let index = scope.blocks.length - 1; index >= 0; index -= 1) {
    if (given(scope.blocks[index][name])) return scope.blocks[index][name];
  }
  return given(playRun.play.keywords[name]) ? playRun.play.keywords[name] : undefined;
}

/** `environment` merges from the play down to the task, inner values winning. */
export function inheritedEnvironment(playRun: PlayRun, scope: Scope, node: TaskNode): unknown[] {
  return [playRun.play.keywords.environment, ...scope.blocks.map((block) => block.environment), node.keywords.environment].filter((value) => value !== undefined);
}

/** A keyword's yes/no value as Ansible reads it (yes/true/on/1/y, or any truthy value); absent gives the fallback. */
export function keywordBool(value: unknown, fallback = false): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return ['yes', 'true', 'on', '1', 'y'].includes(value.toLowerCase());
  return Boolean(value);
}

/** The conditions a node runs under: those inherited from blocks, roles and imports, then its own `when`. */
export function conditionsOf(node: TaskNode): unknown[] {
  return node.keywords.when === undefined ? node.inheritedWhen : [...node.inheritedWhen, node.keywords.when];
}
