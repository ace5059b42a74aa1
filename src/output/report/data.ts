import type { HostStats, HostStatus } from '../../runner/events.js';

/** One host's outcome of one task, times in ms from the start of the run. */
export interface ReportCell {
  status: HostStatus;
  ignored: boolean;
  start: number;
  end: number;
  msg?: string;
  /** The (masked) result, kept for failed and unreachable hosts. */
  result?: unknown;
  /** Unified diffs, under --diff. */
  diff?: string;
}

export interface ReportTask {
  title: string;
  where: string;
  play: string;
  hosts: Record<string, ReportCell>;
}

/** Everything the page shows: it holds no secret that the other outputs would not show. */
export interface ReportData {
  playbook: string;
  started: string;
  durationMs: number;
  check: boolean;
  diff: boolean;
  hosts: string[];
  tasks: ReportTask[];
  recap: Record<string, HostStats>;
}
