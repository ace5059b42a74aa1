import { compilePythonRegex } from '../../shared/python-regex.js';

/*
 * blockinfile's algorithm, ported from Ansible 2.14 so edge cases match.
 * All text is byte strings (see python-regex.ts).
 */

export interface BlockPlacement {
  present: boolean;
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  insertAfter?: string;
  insertBefore?: string;
}

/** Python's bytes.splitlines(True): lines end at '\n', '\r\n' or '\r' and keep their ending. */
function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

function body(line: string): string {
  return line.endsWith('\n') ? line.slice(0, -1) : line;
}

function countNewlines(text: string): number {
  return text.split('\n').length - 1;
}

/** Where the block goes when the file has no complete pair of markers. */
function insertionLine(lines: string[], original: string, placement: BlockPlacement): number {
  const { insertAfter, insertBefore } = placement;
  let insertRe: RegExp | undefined;
  if (insertAfter !== undefined && insertAfter !== 'EOF') insertRe = compilePythonRegex(insertAfter, 'insertafter');
  else if (insertBefore !== undefined && insertBefore !== 'BOF') insertRe = compilePythonRegex(insertBefore, 'insertbefore');
  if (!insertRe) return insertBefore !== undefined ? 0 : lines.length;

  let found: number | undefined;
  if (insertRe.flags.includes('m')) {
    const match = insertRe.exec(original);
    if (match) found = countNewlines(original.slice(0, insertAfter !== undefined ? match.index + match[0].length : match.index));
  } else {
    lines.forEach((line, number) => {
      if (insertRe.exec(body(line))) found = number;
    });
  }
  if (found === undefined) return lines.length;
  return Math.min(insertAfter !== undefined ? found + 1 : found, lines.length);
}

/** The file's new content (as a byte string) with the block inserted, replaced or removed. */
export function placeBlock(original: string | undefined, placement: BlockPlacement): string {
  const lines = splitLines(original ?? '');
  const placementWithDefault = placement.insertAfter === undefined && placement.insertBefore === undefined ? { ...placement, insertAfter: 'EOF' } : placement;
  const beginMarker = `${placement.marker.replaceAll('{mark}', placement.markerBegin)}\n`;
  const endMarker = `${placement.marker.replaceAll('{mark}', placement.markerEnd)}\n`;
  let block = placement.block;
  let blockLines: string[] = [];
  if (placement.present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines = [beginMarker, ...splitLines(block), endMarker];
  }

  let begin: number | undefined;
  let end: number | undefined;
  lines.forEach((line, number) => {
    if (line === beginMarker) begin = number;
    if (line === endMarker) end = number;
  });

  let at: number;
  if (begin === undefined || end === undefined) at = insertionLine(lines, original ?? '', placementWithDefault);
  else if (begin < end) {
    lines.splice(begin, end - begin + 1);
    at = begin;
  } else {
    lines.splice(end, begin - end + 1);
    at = end;
  }
  if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blockLines);
  return lines.join('');
}
