import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { keyPositionOf, PlaybookError } from '../playbook/source.js';
import type { Play } from '../playbook/types.js';
import { keywordBool } from './keywords.js';
import type { RunContext } from './state.js';

interface PromptSpec {
  name: string;
  prompt?: string;
  default?: unknown;
  private?: unknown;
  confirm?: unknown;
}

/** Asks one question on the terminal; a private answer is not echoed. */
function ask(question: string, hidden: boolean): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, encoding, done) {
      if (!muted) process.stdout.write(chunk, encoding);
      done();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    reader.question(question, (answer) => {
      reader.close();
      if (hidden) process.stdout.write('\n');
      resolve(answer);
    });
    muted = hidden;
  });
}

async function answer(spec: PromptSpec): Promise<string> {
  const hasDefault = spec.default !== undefined && spec.default !== null;
  const question = spec.prompt ? (hasDefault ? `${spec.prompt} [${String(spec.default)}]: ` : `${spec.prompt}: `) : `input for ${spec.name}: `;
  const hidden = keywordBool(spec.private, true);
  for (;;) {
    const first = await ask(question, hidden);
    if (!keywordBool(spec.confirm) || first === (await ask(`confirm ${question}`, hidden))) return first;
    process.stdout.write('***** VALUES ENTERED DO NOT MATCH ****\n');
  }
}

/**
 * The play's vars_prompt answers, as play variables: a name given with -e is not asked; without a terminal
 * nothing is asked (Ansible's warning) and the default is used, or the run stops with a clear message.
 */
export async function promptedVars(run: RunContext, play: Play): Promise<Record<string, unknown>> {
  const specs = (play.keywords.vars_prompt as PromptSpec[] | null | undefined) ?? [];
  const wanted = specs.filter((spec) => !(spec.name in run.options.extraVars));
  const vars: Record<string, unknown> = {};
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (wanted.length > 0 && !interactive) run.reporter.warning('Not prompting as we are not in interactive mode');
  for (const spec of wanted) {
    const hasDefault = spec.default !== undefined && spec.default !== null;
    let value: unknown;
    if (interactive) {
      const typed = await answer(spec);
      value = typed === '' && hasDefault ? spec.default : typed;
    } else if (hasDefault) {
      value = spec.default;
    } else {
      throw new PlaybookError(`vars_prompt '${spec.name}' has no default and there is no terminal to ask on: give it with -e ${spec.name}=VALUE`, keyPositionOf(spec, 'name'));
    }
    if (keywordBool(spec.private, true)) run.secrets.add(value);
    vars[spec.name] = value;
  }
  return vars;
}
