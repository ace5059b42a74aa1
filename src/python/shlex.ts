const WHITESPACE = ' \t\r\n';

/**
 * Python's shlex.split(text, comments=True) in POSIX mode, which Ansible uses for INI host lines: quotes group
 * words, a backslash escapes outside single quotes, and '#' outside quotes ends the line. No npm lexer matches
 * these rules (they parse operators, expand variables or ignore comments), so this mirrors CPython's state machine.
 */
export function shlexSplit(text: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let quoted = false;
  let state: 'space' | 'word' | "'" | '"' | 'escape' = 'space';
  let stateBeforeEscape: 'word' | '"' = 'word';

  const emit = () => {
    if (token !== '' || quoted) tokens.push(token);
    token = '';
    quoted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state === 'space' || state === 'word') {
      if (WHITESPACE.includes(c)) {
        if (state === 'word') emit();
        state = 'space';
      } else if (c === '#') {
        break;
      } else if (c === '\\') {
        stateBeforeEscape = 'word';
        state = 'escape';
      } else if (c === "'" || c === '"') {
        state = c;
        quoted = true;
      } else {
        token += c;
        state = 'word';
      }
    } else if (state === 'escape') {
      // Inside double quotes only a quote or a backslash can be escaped; otherwise the backslash stays.
      if (stateBeforeEscape === '"' && c !== '"' && c !== '\\') token += '\\';
      token += c;
      state = stateBeforeEscape;
    } else if (c === state) {
      state = 'word';
    } else if (state === '"' && c === '\\') {
      stateBeforeEscape = '"';
      state = 'escape';
    } else {
      token += c;
    }
  }
  if (state === "'" || state === '"') throw new Error('No closing quotation');
  if (state === 'escape') throw new Error('No escaped character');
  emit();
  return tokens;
}
