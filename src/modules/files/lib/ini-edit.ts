/** What community.general.ini_file is asked to do to one option (or section) of an INI text. */
export interface IniRequest {
  /** The section's name; undefined or '' is the global area before the first section. */
  section?: string;
  option?: string;
  /** The wanted values, in order (duplicates are dropped as Ansible does). */
  values: string[];
  state: 'present' | 'absent';
  exclusive: boolean;
  noExtraSpaces: boolean;
  allowNoValue: boolean;
  /** An active line whose value is already right is left alone, whatever its spacing. */
  ignoreSpaces: boolean;
}

export interface IniOutcome {
  text: string;
  changed: boolean;
  /** Ansible's messages: OK, option added, option changed, section and option added, only section added, section removed. */
  msg: string;
}

// ini_file's own placeholder name for the global area, so that it matches no real section.
const GLOBAL_SECTION = 'ad01e11446efb704fcdbdb21f2c43757423d91c5';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The line's option assignment (commented-out ones too, unless `activeOnly`): its value is group 2. */
function matchOption(option: string, line: string, activeOnly = false): RegExpExecArray | null {
  // Python's `$` also matches before a final newline, and its `.` is anything but a newline.
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  return new RegExp(`^${activeOnly ? '' : '[#;]?'}[ \\t]*(${escapeRegExp(option)})[ \\t]*(?:=|$)[ \\t]*([^\\n]*)`).exec(body);
}

const isBlankOrComment = (line: string): boolean => /^[ \t]*([#;][^\n]*)?$/.test(line.endsWith('\n') ? line.slice(0, -1) : line);

/** Lines as Python's readlines() gives them from a file opened as text (universal newlines, BOM dropped). */
export function iniLines(text: string): string[] {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return normalized.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The edit do_ini makes (community.general 6.x), line for line, including its quirks. */
export function editIni(text: string, request: IniRequest): IniOutcome {
  const values = [...new Set(request.values)];
  const { option, state, exclusive, allowNoValue } = request;
  const assignment = (value: string) => (request.noExtraSpaces ? `${option}=${value}\n` : `${option} = ${value}\n`);
  let changed = false;
  let msg = 'OK';

  const lines = iniLines(text);
  if (lines.length === 0) lines.push('\n');
  if (!lines[lines.length - 1].endsWith('\n')) {
    lines[lines.length - 1] += '\n';
    changed = true;
  }
  lines.unshift(`[${GLOBAL_SECTION}]`);
  lines.push('[');

  const section = request.section || GLOBAL_SECTION;
  let withinSection = false;
  let sectionStart = 0;
  let sectionEnd = 0;
  for (const [index, line] of lines.entries()) {
    if (line.startsWith(`[${section}]`)) {
      withinSection = true;
      sectionStart = index;
    } else if (line.startsWith('[') && withinSection) {
      sectionEnd = index;
      break;
    }
  }
  const before = lines.slice(0, sectionStart);
  let sectionLines = lines.slice(sectionStart, sectionEnd);
  const after = lines.slice(sectionEnd);
  const changedLines = sectionLines.map(() => false);

  const updateLine = (index: number, newline: string) => {
    const old = sectionLines[index];
    const active = request.ignoreSpaces ? matchOption(option ?? '', old, true) : null;
    const same = active ? active[2] === matchOption(option ?? '', newline, true)?.[2] : old === newline;
    if (!same) {
      sectionLines[index] = newline;
      changed = true;
      msg = 'option changed';
    }
    changedLines[index] = true;
  };

  let noValuePresent = false;
  if (state === 'present' && option) {
    for (const [index, line] of sectionLines.entries()) {
      const match = matchOption(option, line);
      if (!match) continue;
      const value = match[2];
      const at = values.indexOf(value);
      if (values.length > 0 && at >= 0) {
        if (value === '' && allowNoValue) {
          updateLine(index, `${option}\n`);
          noValuePresent = true;
        } else {
          updateLine(index, assignment(value));
        }
        values.splice(at, 1);
      } else if (values.length === 0 && allowNoValue) {
        updateLine(index, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
  }

  if (state === 'present' && option && exclusive && !allowNoValue) {
    if (values.length > 0) {
      for (const [index, line] of sectionLines.entries()) {
        if (changedLines[index] || !matchOption(option, line)) continue;
        updateLine(index, assignment(values.shift() as string));
        if (values.length === 0) break;
      }
    }
    for (let index = sectionLines.length - 1; index > 0; index -= 1) {
      if (changedLines[index] || !matchOption(option, sectionLines[index])) continue;
      sectionLines.splice(index, 1);
      changedLines.splice(index, 1);
      changed = true;
      msg = 'option changed';
    }
  }

  if (state === 'present') {
    for (let index = sectionLines.length; index > 0; index -= 1) {
      if (isBlankOrComment(sectionLines[index - 1])) continue;
      if (option && values.length > 0) {
        sectionLines.splice(index, 0, ...values.map(assignment));
        msg = 'option added';
        changed = true;
      } else if (option && values.length === 0 && allowNoValue && !noValuePresent) {
        sectionLines.splice(index, 0, `${option}\n`);
        msg = 'option added';
        changed = true;
      }
      break;
    }
  }

  if (state === 'absent') {
    if (option) {
      const removed = (line: string) => {
        const match = matchOption(option, line, true);
        return match !== null && (exclusive || values.includes(match[2]));
      };
      const kept = sectionLines.filter((line) => !removed(line));
      if ((exclusive || values.length > 0) && kept.length !== sectionLines.length) {
        sectionLines = kept;
        changed = true;
        msg = 'option changed';
      }
    } else if (sectionLines.length > 0) {
      sectionLines = [];
      msg = 'section removed';
      changed = true;
    }
  }

  const result = [...before, ...sectionLines, ...after].slice(1, -1);
  if (!withinSection && state === 'present') {
    result.push(`[${section}]\n`);
    msg = 'section and option added';
    if (option && values.length > 0) result.push(...values.map(assignment));
    else if (option && allowNoValue) result.push(`${option}\n`);
    else msg = 'only section added';
    changed = true;
  }
  return { text: result.join(''), changed, msg };
}
