/** A question that needs a terminal was asked without one. */
export class PromptError extends Error {}

/** Reads one line from the terminal without echoing it (like Python's getpass); fails at once without a terminal. */
export function promptHidden(question: string): Promise<string> {
  return promptLine(question, false);
}

/** Reads one line from the terminal, echoing it or not; fails at once without a terminal instead of waiting. */
export function promptLine(question: string, echo: boolean): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new PromptError(`cannot ask "${question.trim()}": standard input is not a terminal (give the value with a file or variable instead)`));
  }
  // Echo goes off before the question shows: an answer typed as soon as it appears is never echoed.
  input.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const [index, char] of [...text].entries()) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          // Answers typed ahead belong to the next question.
          const rest = [...text].slice(index + 1).join('');
          finish();
          if (rest !== '') input.unshift(Buffer.from(rest));
          return;
        }
        if (char === '\u0003') return finish(new PromptError('User interrupted execution'));
        if (char === '\u007f' || char === '\b') {
          if (echo && answer !== '') process.stderr.write('\b \b');
          answer = answer.slice(0, -1);
        } else {
          answer += char;
          if (echo) process.stderr.write(char);
        }
      }
    };
    input.resume();
    input.on('data', onData);
  });
}
