/** `notify` and `listen` checked against the play's handlers once the whole play is loaded. */
import { isTemplateText } from '../modules/args.js';
import { didYouMean } from './keyword-check.js';
import { formatPosition, keyPositionOf, PlaybookError } from './source.js';
import { asTags } from './tasks.js';
import type { Handler, Play, TaskNode } from './types.js';

export function missingHandlerMessage(name: string): string {
  return `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`;
}

function* walk(nodes: readonly TaskNode[]): Generator<TaskNode> {
  for (const node of nodes) {
    yield node;
    if (node.kind === 'block') yield* walk([...node.block, ...node.rescue, ...node.always]);
    if (node.kind === 'include_tasks' && node.preloaded) yield* walk(node.preloaded);
    if (node.kind === 'include_role' && node.preloaded) yield* walk(node.preloaded.tasks);
  }
}

/**
 * Every statically named `notify` must reach a handler of the play (by name, "ROLE : name" or a `listen`
 * topic), and only handlers may `listen`. Skipped when handlers can still appear or be renamed at run time
 * (an include_role of a templated name, a templated handler name).
 */
export function checkNotifications(play: Pick<Play, 'preTasks' | 'tasks' | 'postTasks' | 'handlers'>, missingHandlerIsError: boolean): void {
  const tasks = [...walk([...play.preTasks, ...play.tasks, ...play.postTasks])];
  for (const node of tasks) {
    if (node.keywords.listen !== undefined) throw new PlaybookError("'listen' is not a valid attribute for a Task (only handlers listen)", keyPositionOf(node.keywords, 'listen'));
  }
  // The handlers include_roles bring join at run time; a notify reaching one before its include ran fails then, as in Ansible.
  const included = tasks.flatMap((node) => (node.kind === 'include_role' && node.preloaded ? node.preloaded.handlers : []));
  const handlers: readonly Handler[] = [...play.handlers, ...included];
  const names = handlers.flatMap((handler) => handler.answersTo);
  const dynamic = names.some(isTemplateText) || [...tasks, ...handlers].some((node) => node.kind === 'include_role' && !node.preloaded);
  if (dynamic || !missingHandlerIsError) return;
  const known = new Set(names);
  // A task of a file a handler includes is no handler: notifying it fails when the run gets there, as in Ansible.
  const failsAtRunTime = new Set(handlers.flatMap((handler) => (handler.kind === 'include_tasks' && handler.preloaded ? [...walk(handler.preloaded)].flatMap((node) => node.name ?? []) : [])));
  for (const node of [...tasks, ...handlers]) {
    for (const name of asTags(node.keywords.notify)) {
      if (known.has(name) || isTemplateText(name) || failsAtRunTime.has(name)) continue;
      // Ansible's words first (what users search for), then where.
      throw new PlaybookError(`${missingHandlerMessage(name)}${didYouMean(name, [...known])} (${formatPosition(keyPositionOf(node.keywords, 'notify'))})`);
    }
  }
}
