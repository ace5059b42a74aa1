import { parse } from 'shell-quote';

/**
 * Characters shell-quote gives a meaning (operators, globs, comments, $variables) that Python's shlex.split,
 * which Ansible's command module uses, reads as plain text. Each is swapped for a private-use character
 * while parsing, so shell-quote only groups words by quotes, backslashes and whitespace, as shlex does.
 */
const PLAIN_TEXT = ['$', '#', '|', '&', ';', '(', ')', '<', '>', '*', '?'];
const STAND_IN = PLAIN_TEXT.map((_, index) => String.fromCharCode(0xe000 + index));

const hide = (text: string): string => [...text].map((char) => STAND_IN[PLAIN_TEXT.indexOf(char)] ?? char).join('');
const restore = (text: string): string => [...text].map((char) => PLAIN_TEXT[STAND_IN.indexOf(char)] ?? char).join('');

/** Splits a command line into words: quotes group, nothing is run or expanded ($VARS are left for the target). */
export function splitCommandLine(line: string): string[] {
  return parse(hide(line)).map((entry) => {
    if (typeof entry !== 'string') throw new Error(`unexpected shell syntax in: ${line}`);
    return restore(entry);
  });
}
