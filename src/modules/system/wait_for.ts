import { setTimeout as sleep } from 'node:timers/promises';
import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { compilePythonRegex, fromByteString, toByteString } from '../shared/python-regex.js';
import { waitOnTarget, type WaitOutcome } from './lib/wait-on-target.js';

type WaitState = 'started' | 'present' | 'stopped' | 'absent';

interface WaitForArgs {
  host: string;
  port?: number;
  path?: string;
  state: WaitState;
  timeout: number;
  delay: number;
  sleep: number;
  connect_timeout: number;
  search_regex?: string;
  msg?: string;
}

type Waited = (WaitOutcome & { elapsed: number }) | undefined;

function checkCombination(args: WaitForArgs): void {
  if (args.port !== undefined && args.path !== undefined) {
    throw new ModuleFailure('port and path parameter can not both be passed to wait_for', { elapsed: 0 });
  }
  if (args.path !== undefined && args.state === 'stopped') {
    throw new ModuleFailure('state=stopped should only be used for checking a port in the wait_for module', { elapsed: 0 });
  }
}

function timeoutMessage(args: WaitForArgs): string {
  const where = args.port !== undefined ? `${args.host}:${args.port}` : args.path;
  const goingAway = args.state === 'stopped' || args.state === 'absent';
  if (goingAway) return args.port !== undefined ? `Timeout when waiting for ${where} to stop.` : `Timeout when waiting for ${where} to be absent.`;
  if (args.search_regex !== undefined) return `Timeout when waiting for search string ${args.search_regex} in ${where}`;
  return args.port !== undefined ? `Timeout when waiting for ${where}` : `Timeout when waiting for file ${where}`;
}

/** Python's re.MULTILINE search, compiled on the controller first so a bad pattern fails before any waiting. */
function searchRegex(pattern: string): RegExp {
  return compilePythonRegex(pattern, 'search_regex', { flags: 'm' });
}

/** Python's match.groups() and groupdict() over the text the target matched. */
function matchGroups(pattern: string, text: string): Pick<ModuleResult, 'match_groups' | 'match_groupdict'> {
  const match = searchRegex(pattern).exec(toByteString(text));
  const decode = (group: string | undefined): string | null => (group === undefined ? null : fromByteString(group));
  return {
    match_groups: match ? match.slice(1).map(decode) : [],
    match_groupdict: Object.fromEntries(Object.entries(match?.groups ?? {}).map(([name, group]) => [name, decode(group)])),
  };
}

export default defineModule<WaitForArgs, Waited>({
  name: 'wait_for',
  examples: `
- name: Wait for the database port
  ansible.builtin.wait_for:
    port: 5432
    delay: 2
    timeout: 120

- name: Wait until the app logs it is ready
  ansible.builtin.wait_for:
    path: /var/log/app.log
    search_regex: ready
`,
  returns: {
    elapsed: { type: 'int', returned: 'always', description: 'Seconds spent waiting.' },
    match_groups: { type: 'list', returned: 'when search_regex matched', description: "The regular expression's groups." },
    match_groupdict: { type: 'dict', returned: 'when search_regex matched', description: "The regular expression's named groups." },
  },
  readOnly: true,
  schema: {
    description: 'Waits until a port is open or closed, a file exists or is gone, or a regular expression appears in a file or port.',
    type: 'object',
    properties: {
      host: { type: 'string', default: '127.0.0.1', description: 'The host whose port is checked (from the managed host).' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The TCP port to wait for.' },
      path: { type: 'string', minLength: 1, description: 'The file to wait for.' },
      state: { enum: ['started', 'present', 'stopped', 'absent'], default: 'started', description: 'What to wait for - started or present (the port open, the file there or search_regex found), stopped or absent (the port closed, the file gone).' },
      timeout: { type: 'integer', minimum: 0, default: 300, description: 'The most seconds to wait.' },
      delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait before the first check.' },
      sleep: { type: 'integer', minimum: 1, default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds a connection try may take.' },
      search_regex: { type: 'string', description: 'A regular expression that must appear in the file or in what the port sends.' },
      msg: { type: 'string', description: 'The message of the failure when the timeout passes.' },
    },
    additionalProperties: false,
  },

  async read(ctx, args) {
    checkCombination(args);
    if (args.search_regex !== undefined) searchRegex(args.search_regex);
    if (ctx.check) return undefined;
    const started = Date.now();
    const elapsed = (): number => Math.floor((Date.now() - started) / 1000);
    if (args.port === undefined && args.path === undefined) {
      await sleep((args.delay + args.timeout) * 1000);
      return { reached: true, matchedText: '', elapsed: elapsed() };
    }
    const goingAway = args.state === 'stopped' || args.state === 'absent';
    const outcome = await waitOnTarget(ctx.connection, {
      kind: args.port !== undefined ? 'port' : 'path',
      goal: goingAway ? 'down' : 'up',
      host: args.host,
      port: args.port,
      path: args.path,
      searchRegex: goingAway ? undefined : args.search_regex,
      timeout: args.timeout,
      delay: args.delay,
      sleep: args.sleep,
      connectTimeout: args.connect_timeout,
    });
    return { ...outcome, elapsed: elapsed() };
  },

  plan(args, waited) {
    if (waited === undefined) return { changed: false, skip: 'remote module (wait_for) does not support check mode' };
    if (!waited.reached) throw new ModuleFailure(args.msg ?? timeoutMessage(args), { elapsed: waited.elapsed });
    const groups = args.search_regex !== undefined && waited.matchedText !== '' ? matchGroups(args.search_regex, waited.matchedText) : { match_groups: [], match_groupdict: {} };
    return {
      changed: false,
      result: {
        state: args.state,
        port: args.port ?? null,
        path: args.path ?? null,
        search_regex: args.search_regex ?? null,
        ...groups,
        elapsed: waited.elapsed,
      },
    };
  },
});
