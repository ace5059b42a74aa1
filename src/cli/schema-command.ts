import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleRegistry } from '../modules/registry.js';
import { inventorySchema, varsSchema } from '../schema/inventory.js';
import { playbookSchema, tasksFileSchema } from '../schema/playbook.js';

export const SCHEMA_KINDS = ['playbook', 'tasks', 'inventory', 'vars'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

export class SchemaCommandError extends Error {}

/** The JSON Schema of one kind of file, from the same keywords and module schemas that validate at load time. */
export function schemaFor(kind: SchemaKind, registry: ModuleRegistry): Record<string, unknown> {
  switch (kind) {
    case 'playbook':
      return playbookSchema(registry);
    case 'tasks':
      return tasksFileSchema(registry);
    case 'inventory':
      return inventorySchema();
    case 'vars':
      return varsSchema();
  }
}

/** `betif-play schema [playbook|tasks|inventory|vars|all] [--out DIR]`: to stdout (one kind) or DIR/KIND.json. */
export function schemaCommand(args: string[], registry: ModuleRegistry): number {
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (outAt >= 0 && !out) throw new SchemaCommandError('--out needs a folder');
  const kinds = outAt < 0 ? args : args.filter((_, index) => index !== outAt && index !== outAt + 1);
  const kind = kinds[0] ?? 'all';
  if (kinds.length > 1 || (kind !== 'all' && !SCHEMA_KINDS.includes(kind as SchemaKind))) {
    throw new SchemaCommandError(`usage: betif-play schema [${SCHEMA_KINDS.join('|')}|all] [--out DIR]`);
  }
  const chosen = kind === 'all' ? [...SCHEMA_KINDS] : [kind as SchemaKind];
  if (!out) {
    if (chosen.length > 1) throw new SchemaCommandError('schema all writes several files: give --out DIR');
    process.stdout.write(`${JSON.stringify(schemaFor(chosen[0], registry), null, 2)}\n`);
    return 0;
  }
  mkdirSync(out, { recursive: true });
  for (const each of chosen) {
    const file = join(out, `${each}.json`);
    writeFileSync(file, `${JSON.stringify(schemaFor(each, registry), null, 2)}\n`);
    process.stdout.write(`${file}\n`);
  }
  return 0;
}
