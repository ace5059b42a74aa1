import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDateTime, nowMicros } from '../shared/python-time.js';
import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';

interface PauseArgs {
  seconds?: number | string;
  minutes?: number | string;
  prompt?: string;
  echo: boolean;
}

interface Paused {
  startMicros: number;
  stopMicros: number;
  userInput: string;
  warnings: string[];
}

/** Python's int(): whole numbers, floats cut toward zero, numeric text. */
function wholeNumber(value: number | string | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Math.trunc(value);
  if (/^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  throw new ModuleFailure(`argument '${key}' is of type ${typeof value} and we were unable to convert to int: invalid literal for int() with base 10: '${value}'`);
}

/** Python's str() of a float rounded to 2 places: 1.0, 0.02, 12.5. */
const pythonFloat = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/** Reads one line from the terminal (the answer to a prompt), hidden when echo is off. */
async function askTerminal(prompt: string, echo: boolean): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (!echo) (terminal as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
    if (text.startsWith(prompt)) process.stdout.write(prompt);
  };
  try {
    return await terminal.question(prompt);
  } finally {
    terminal.close();
  }
}

/**
 * Runs on the controller, once per task (not per host). Without a terminal a prompt is not waited
 * for (Ansible warns and goes on); a timed pause sleeps, in check mode too.
 */
export default defineModule<PauseArgs, Paused>({
  name: 'pause',
  examples: `
- name: Give the service a moment
  ansible.builtin.pause:
    seconds: 10

- name: Wait for a person to check
  ansible.builtin.pause:
    prompt: Check the dashboard, then press Enter
`,
  returns: {
    user_input: { type: 'str', returned: 'when a prompt was answered', description: 'What the user typed.' },
    start: { type: 'str', returned: 'always', description: 'When the pause started.' },
    stop: { type: 'str', returned: 'always', description: 'When the pause ended.' },
    delta: { type: 'int', returned: 'always', description: 'How long the pause lasted, in seconds.' },
    echo: { type: 'bool', returned: 'always', description: 'Whether input was shown.' },
  },
  controllerOnly: true,
  bypassHostLoop: true,
  schema: {
    description: 'Pauses the play for some time or until the user presses Enter.',
    type: 'object',
    additionalProperties: false,
    properties: {
      seconds: { type: ['number', 'string'], description: 'How many seconds to pause.' },
      minutes: { type: ['number', 'string'], description: 'How many minutes to pause.' },
      prompt: { type: 'string', description: 'The text shown while waiting for Enter (or during the timed pause).' },
      echo: { type: 'boolean', default: true, description: 'Whether what the user types is shown.' },
    },
    not: { required: ['seconds', 'minutes'] },
  },

  async read(_ctx, args) {
    const minutes = wholeNumber(args.minutes, 'minutes');
    const seconds = minutes !== undefined ? minutes * 60 : wholeNumber(args.seconds, 'seconds');
    const startMicros = nowMicros();
    const warnings: string[] = [];
    let userInput = '';
    if (seconds !== undefined) {
      // A timer may fire a little before the wall clock has moved on as far (delta would then say 0 for 1 s): wait until it has.
      const until = startMicros + Math.max(1, seconds) * 1_000_000;
      for (let left = until - startMicros; left > 0; left = until - nowMicros()) await sleep(Math.ceil(left / 1000));
    }
    else if (process.stdin.isTTY) userInput = await askTerminal(`${args.prompt || 'Press enter to continue, Ctrl+C to interrupt'}${args.echo ? '' : ' (output is hidden)'}:`, args.echo);
    else warnings.push('Not waiting for response to prompt as stdin is not interactive');
    return { startMicros, stopMicros: nowMicros(), userInput, warnings };
  },

  plan(args, paused) {
    const elapsed = (paused.stopMicros - paused.startMicros) / 1_000_000;
    const inMinutes = args.minutes !== undefined || args.seconds === undefined;
    const duration = Math.round((inMinutes ? elapsed / 60 : elapsed) * 100) / 100;
    const result: ModuleResult = {
      rc: 0,
      stderr: '',
      stdout: `Paused for ${pythonFloat(duration)} ${inMinutes ? 'minutes' : 'seconds'}`,
      start: formatDateTime(paused.startMicros),
      stop: formatDateTime(paused.stopMicros),
      delta: Math.trunc(elapsed),
      echo: args.echo,
      user_input: paused.userInput,
    };
    if (paused.warnings.length > 0) result.warnings = paused.warnings;
    return { changed: false, result };
  },
});
