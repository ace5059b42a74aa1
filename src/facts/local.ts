import { parseIni } from './ini.js';

export interface LocalFacts {
  local: Record<string, unknown>;
  warnings: string[];
}

/**
 * ansible_local from the script's "local" section: each *.fact file by its name without .fact, read
 * as JSON, else as INI, else an error message in its place (with a warning), as Ansible does.
 */
export function localFacts(lines: readonly string[]): LocalFacts {
  const outputs = new Map<string, { text: string[]; rc?: number; err: string[] }>();
  let current: { text: string[]; rc?: number; err: string[] } | undefined;
  for (const line of lines) {
    const start = /^@@betif-local (.*)$/.exec(line);
    const exit = /^@@betif-local-rc (\d+)$/.exec(line);
    if (start) {
      // Each marker's leading newline ends the previous output with an empty line.
      const previous = current && (current.rc === undefined ? current.text : current.err);
      if (previous?.at(-1) === '') previous.pop();
      current = { text: [], err: [] };
      outputs.set(start[1], current);
    } else if (exit && current) {
      if (current.text.at(-1) === '') current.text.pop();
      current.rc = Number(exit[1]);
    } else if (current) {
      (current.rc === undefined ? current.text : current.err).push(line);
    }
  }

  const local: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const path of [...outputs.keys()].sort()) {
    const output = outputs.get(path)!;
    const name = path.slice(path.lastIndexOf('/') + 1).replace('.fact', '');
    if (output.rc !== undefined && output.rc !== 0) {
      const err = output.err.join('\n');
      local[name] = `Failure executing fact script (${path}), rc: ${output.rc}, err: ${err ? `${err}\n` : ''}`;
      warnings.push(String(local[name]));
      continue;
    }
    local[name] = parseFact(output.text.join('\n'), path, warnings);
  }
  return { local, warnings };
}

function parseFact(text: string, path: string, warnings: string[]): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const ini = parseIni(text);
    if (ini) return ini;
    const message = `error loading facts as JSON or ini - please check content: ${path}`;
    warnings.push(message);
    return message;
  }
}
