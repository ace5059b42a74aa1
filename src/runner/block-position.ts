import type { TaskNode } from '../playbook/types.js';

/*
 * Where a task sits among the blocks around it, as ansible-core 2.14's play iterator sees it: any_errors_fatal
 * depends on it. A failure caught by a rescue or waiting for an always does not stop the play, and when one does,
 * a host whose next task is in a rescue or always section is spared.
 */

/** One enclosing block (an include counts as a block with neither rescue nor always) and the section being run. */
export interface Frame {
  section: 'block' | 'rescue' | 'always';
  rescue: readonly TaskNode[];
  always: readonly TaskNode[];
  /** The nodes of the section, and which of them runs now. */
  nodes: readonly TaskNode[];
  index: number;
}

/** Where a host's last task left it. */
export interface HostPosition {
  frames: readonly Frame[];
  failed: boolean;
}

/** The frames with the innermost one pointing at its index-th node. */
export function atIndex(frames: readonly Frame[], index: number): readonly Frame[] {
  const inner = frames.at(-1);
  return inner ? [...frames.slice(0, -1), { ...inner, index }] : frames;
}

/**
 * Ansible's is_failed right after a failure here: the innermost block neither rescues nor has an always to run,
 * and no outer block whose tasks section holds it has a rescue (an outer always does not hold the failure back).
 */
export function failureEscapes(frames: readonly Frame[]): boolean {
  const inner = frames.at(-1);
  if (!inner) return true;
  const caughtHere = inner.section === 'block' ? inner.rescue.length > 0 || inner.always.length > 0 : inner.section === 'rescue' && inner.always.length > 0;
  if (caughtHere) return false;
  return !frames.slice(0, -1).some((frame) => frame.section === 'block' && frame.rescue.length > 0);
}

/** Whether the host's next task is directly in a rescue or always section (a nested block starts a tasks section). */
export function nextInRescueOrAlways(position: HostPosition | undefined): boolean {
  if (!position) return false;
  return position.failed ? afterFailure(position.frames) : afterSuccess(position.frames);
}

function startsWithTask(nodes: readonly TaskNode[]): boolean {
  return nodes[0] !== undefined && nodes[0].kind !== 'block';
}

function afterFailure(frames: readonly Frame[]): boolean {
  for (let level = frames.length - 1; level >= 0; level -= 1) {
    const frame = frames[level];
    if (frame.section === 'block' && frame.rescue.length > 0) return startsWithTask(frame.rescue);
    if (frame.section !== 'always' && frame.always.length > 0) return startsWithTask(frame.always);
  }
  return false;
}

function afterSuccess(frames: readonly Frame[]): boolean {
  for (let level = frames.length - 1; level >= 0; level -= 1) {
    const frame = frames[level];
    const next = frame.nodes[frame.index + 1];
    if (next !== undefined) return frame.section !== 'block' && next.kind !== 'block';
    if (frame.section !== 'always' && frame.always.length > 0) return startsWithTask(frame.always);
  }
  return false;
}
