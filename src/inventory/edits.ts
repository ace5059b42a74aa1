import { InventoryError } from './errors.js';
import type { HostOrigin, InventoryModel } from './model.js';

/** One step a parsed inventory source asks of the inventory, in source order (line for error messages). */
export type InventoryEdit =
  | { kind: 'group'; group: string; line: number }
  | { kind: 'host'; host: string; group: string; port?: number; line: number }
  | { kind: 'child'; parent: string; child: string; line: number }
  | { kind: 'groupVar'; group: string; key: string; value: unknown; line: number }
  | { kind: 'hostVar'; host: string; key: string; value: unknown; line: number };

/** Applies a whole source's edits; a rule it breaks (a group loop ...) becomes an InventoryError at its line. */
export function applyEdits(model: InventoryModel, edits: readonly InventoryEdit[], file: string, origin: HostOrigin): void {
  for (const edit of edits) {
    try {
      applyEdit(model, edit, origin);
    } catch (error) {
      throw new InventoryError((error as Error).message, file, edit.line);
    }
  }
}

function applyEdit(model: InventoryModel, edit: InventoryEdit, origin: HostOrigin): void {
  switch (edit.kind) {
    case 'group':
      return model.addGroup(edit.group);
    case 'host':
      return model.addHost(edit.host, edit.group, edit.port, origin);
    case 'child':
      return model.addChild(edit.parent, edit.child);
    case 'groupVar':
      return model.setGroupVar(edit.group, edit.key, edit.value);
    case 'hostVar':
      return model.setHostVar(edit.host, edit.key, edit.value);
  }
}
