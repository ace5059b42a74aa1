import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.js';
import type { Connection } from '../../src/connection/types.js';
import type { Module, ModuleContext } from '../../src/modules/contract.js';
import { executeModule, type Execution } from '../../src/runner/execute-module.js';

export interface HarnessOptions {
  check?: boolean;
  diff?: boolean;
  connection?: Connection;
  vars?: Record<string, unknown>;
  /** Folder searched by findFile (stands in for a role's files/ and templates/). */
  filesDir?: string;
}

let shared: { connection: LocalConnection; environment: string } | undefined;

/** One local connection for the modules run in this process, replaced when the environment changed: its driver keeps the one it started with. */
function localConnection(): LocalConnection {
  const environment = JSON.stringify(process.env);
  if (shared?.environment !== environment) {
    void shared?.connection.close();
    shared = { connection: new LocalConnection('localhost'), environment };
  }
  return shared.connection;
}

/** Runs one module through the same contract the runner uses, on this machine (or a given connection). */
export function runModule(module: Module, args: Record<string, unknown>, options: HarnessOptions = {}): Promise<Execution> {
  const ctx: ModuleContext = {
    host: 'localhost',
    connection: options.connection ?? localConnection(),
    check: options.check ?? false,
    diff: options.diff ?? true,
    vars: options.vars ?? {},
    evaluate: (expression) => options.vars?.[expression],
    render: (text) => text,
    template: (value) => (typeof value === 'string' ? (options.vars?.[value.replace(/^\{\{\s*|\s*\}\}$/g, '')] ?? value) : value),
    findFile: (_kind, path) => (path.startsWith('/') ? path : join(options.filesDir ?? '.', path)),
    origin: { taskDir: options.filesDir ?? process.cwd(), playbookDir: options.filesDir ?? process.cwd() },
  };
  return executeModule(module, args, ctx);
}

export function scratchDir(prefix = 'betif-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
