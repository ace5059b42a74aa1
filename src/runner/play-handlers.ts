import type { Handler } from '../playbook/types.js';

/**
 * The handlers of a play being run, as Ansible's handler blocks: those loaded with the play (a role's handlers
 * file, the play's section), then a fresh copy of a role's handlers each time an include_role of it runs.
 */
export class PlayHandlers {
  /** The blocks include_roles added, in the order they ran. */
  private readonly blocks: Handler[][] = [];
  /** The copies each role's include made, by the role and its parameters: Ansible's role cache gives them back. */
  private readonly included = new Map<string, Handler[]>();

  /** The handlers loaded with the play, as the blocks Ansible searches: one per file (a role's handlers file, the play's section). */
  private readonly loadedBlocks: readonly Handler[][];

  constructor(private readonly loaded: readonly Handler[]) {
    const files = [...new Set(loaded.map((handler) => handler.position.file))];
    this.loadedBlocks = files.map((file) => loaded.filter((handler) => handler.position.file === file));
  }

  /**
   * An include_role ran: its role's handlers join the play (again, as the last block). An include of the role with
   * other parameters brings handlers of its own (notified and run apart); one with the same parameters, the same ones.
   */
  add(handlers: readonly Handler[], roleKey: string, includeParams: Record<string, unknown> = {}): void {
    if (handlers.length === 0) return;
    const copies = this.included.get(roleKey) ?? handlers.map((handler) => ({ ...handler, ...(handler.role ? { role: { ...handler.role, params: includeParams } } : {}), includeParams }));
    this.included.set(roleKey, copies);
    this.blocks.push(copies);
  }

  /** In the order a flush runs them; handlers added while iterating (by a handler running) are reached too. */
  *[Symbol.iterator](): Generator<Handler> {
    yield* this.loaded;
    for (let index = 0; index < this.blocks.length; index += 1) yield* this.blocks[index];
  }

  /** As Ansible searches a handler by name: the blocks last loaded first, each from its top. */
  find(answers: (handler: Handler) => boolean): Handler | undefined {
    for (const block of [...this.loadedBlocks, ...this.blocks].reverse()) {
      const found = block.find(answers);
      if (found) return found;
    }
    return undefined;
  }
}
