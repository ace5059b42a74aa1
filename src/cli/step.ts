import type { StepAnswer } from '../runner/task-gate.js';
import { PromptError, promptLine } from './prompt.js';

/** --step: "Perform task: TASK: ... (N)o/(y)es/(c)ontinue:" as ansible-playbook asks it, on the terminal. */
export async function askStep(title: string): Promise<StepAnswer> {
  if (!process.stdin.isTTY) throw new PromptError('--step needs a terminal to ask before each task (standard input is not one)');
  const answer = (await promptLine(`Perform task: TASK: ${title} (N)o/(y)es/(c)ontinue: `, true)).trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return 'yes';
  if (answer === 'c' || answer === 'continue') return 'continue';
  return 'no';
}
