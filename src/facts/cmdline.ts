import { firstLine, type FactInputs } from './script.js';

/** Splits like Python's shlex.split(posix=False): on whitespace, keeping quoted parts (quotes included) together. */
function words(text: string): string[] {
  return text.match(/(?:"[^"]*"|'[^']*'|\S)+/g) ?? [];
}

/** cmdline (last value wins) and proc_cmdline (repeated keys become lists), as Ansible parses /proc/cmdline. */
export function cmdlineFacts(inputs: FactInputs): Record<string, unknown> {
  const text = firstLine(inputs, '/proc/cmdline');
  if (!text) return {};
  const cmdline: Record<string, string | boolean> = {};
  const procCmdline: Record<string, string | boolean | string[]> = {};
  for (const word of words(text)) {
    const equals = word.indexOf('=');
    if (equals < 0) {
      cmdline[word] = true;
      procCmdline[word] = true;
      continue;
    }
    const key = word.slice(0, equals);
    const value = word.slice(equals + 1);
    cmdline[key] = value;
    const previous = procCmdline[key];
    if (Array.isArray(previous)) previous.push(value);
    else if (typeof previous === 'string') procCmdline[key] = [previous, value];
    else procCmdline[key] = value;
  }
  return { cmdline, proc_cmdline: procCmdline };
}
