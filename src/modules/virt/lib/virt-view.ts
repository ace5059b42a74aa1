import { stringify } from 'yaml';
import type { FileDiff } from '../../contract.js';

/** The compared fields of a libvirt object, as shown under --diff. */
export type FieldView = Record<string, unknown>;

function yamlText(view: FieldView): string {
  return Object.keys(view).length === 0 ? '' : stringify(view, { lineWidth: 0 });
}

/** A before/after diff of two field views, headed by what they describe ("domain vm1"). */
export function viewDiff(label: string, before: FieldView, after: FieldView): FileDiff {
  return { before: yamlText(before), after: yamlText(after), beforeHeader: label, afterHeader: label };
}
