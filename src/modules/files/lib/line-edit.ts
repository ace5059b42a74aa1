import { compilePythonRegex, expandTemplate } from '../../shared/python-regex.js';

/*
 * lineinfile's algorithm, ported line for line from Ansible 2.14 so edge cases match.
 * All text is byte strings (see python-regex.ts); lines keep their '\n'.
 */

export interface LineSearch {
  line?: string;
  regexp?: string;
  searchString?: string;
}

export interface LinePlacement extends LineSearch {
  line: string;
  insertAfter?: string;
  insertBefore?: string;
  backrefs: boolean;
  firstMatch: boolean;
}

export interface LineEdit {
  lines: string[];
  changed: boolean;
  msg: string;
  found: number;
}

/** Python's bytes.readlines(): split after each '\n'. */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** What a Python pattern sees of a line: its '$' matches just before the trailing '\n'. */
function body(line: string): string {
  return line.endsWith('\n') ? line.slice(0, -1) : line;
}

function stripLineEnd(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

const truthy = (value: string | undefined): value is string => value !== undefined && value !== '';

function endsWithNewline(line: string | undefined): boolean {
  return line !== undefined && (line.endsWith('\n') || line.endsWith('\r'));
}

export function ensureLinePresent(original: readonly string[], options: LinePlacement): LineEdit {
  const lines = [...original];
  const { line, regexp, searchString, insertAfter, insertBefore, backrefs, firstMatch } = options;
  const lineRe = regexp === undefined ? undefined : compilePythonRegex(regexp, 'regexp');
  let insertRe: RegExp | undefined;
  if (insertAfter !== undefined && insertAfter !== 'BOF' && insertAfter !== 'EOF') insertRe = compilePythonRegex(insertAfter, 'insertafter');
  else if (insertBefore !== undefined && insertBefore !== 'BOF') insertRe = compilePythonRegex(insertBefore, 'insertbefore');

  // index[0]: the line the regexp/search_string/exact line matched; index[1]: where to insert.
  const index = [-1, -1];
  let match: RegExpExecArray | true | undefined;

  if (lineRe) {
    for (const [number, current] of lines.entries()) {
      const found = lineRe.exec(body(current));
      if (found) {
        index[0] = number;
        match = found;
        if (firstMatch) break;
      }
    }
  }
  if (searchString !== undefined) {
    for (const [number, current] of lines.entries()) {
      if (current.includes(searchString)) {
        index[0] = number;
        match = true;
        if (firstMatch) break;
      }
    }
  }
  if (!match) {
    for (const [number, current] of lines.entries()) {
      if (line === stripLineEnd(current)) {
        index[0] = number;
      } else if (insertRe && insertRe.exec(body(current))) {
        if (truthy(insertAfter)) {
          index[1] = number + 1;
          if (firstMatch) break;
        }
        if (truthy(insertBefore)) {
          index[1] = number;
          if (firstMatch) break;
        }
      }
    }
  }

  const added = (at: number): LineEdit => {
    lines.splice(at, 0, `${line}\n`);
    return { lines, changed: true, msg: 'line added', found: 0 };
  };
  const unchanged: LineEdit = { lines, changed: false, msg: '', found: 0 };

  if (index[0] !== -1) {
    let newLine = backrefs && match && match !== true ? expandTemplate(line, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[index[0]] === newLine) return unchanged;
    lines[index[0]] = newLine;
    return { lines, changed: true, msg: 'line replaced', found: 0 };
  }
  // Without a match the backreferences cannot be filled in: leave the file alone.
  if (backrefs) return unchanged;
  if (insertBefore === 'BOF' || insertAfter === 'BOF') return added(0);
  if (insertAfter === 'EOF' || index[1] === -1) {
    if (lines.length > 0 && !endsWithNewline(lines[lines.length - 1])) lines.push('\n');
    return added(lines.length);
  }
  if (truthy(insertAfter)) {
    const neighbour = index[1] === lines.length ? lines[index[1] - 1] : lines[index[1]];
    return stripLineEnd(neighbour) === line ? unchanged : added(index[1]);
  }
  return added(index[1]);
}

export function ensureLineAbsent(original: readonly string[], options: LineSearch): LineEdit {
  const { line, regexp, searchString } = options;
  const lineRe = regexp === undefined ? undefined : compilePythonRegex(regexp, 'regexp');
  const matches = (current: string): boolean => {
    if (lineRe) return lineRe.exec(body(current)) !== null;
    if (searchString !== undefined) return current.includes(searchString);
    return line === stripLineEnd(current);
  };
  const lines = original.filter((current) => !matches(current));
  const found = original.length - lines.length;
  return { lines, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}
