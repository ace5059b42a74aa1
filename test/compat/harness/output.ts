import { parseRecap, type RecapCounts } from '../../helpers/cli.js';

/** One per-host line under a task: `changed: [h1] => (item=a)`, `fatal: [h2]: FAILED! => {...}`, `included: x.yml for h1`. */
export interface HostLine {
  status: string;
  host: string;
  item?: string;
  ignored: boolean;
  /** The multi-line JSON Ansible prints for debug/assert (and verbose results). */
  value?: unknown;
  /** The hunks of the diff printed just before the line (headers left out: they name temp files). */
  diff?: string;
}

export interface Section {
  /** `TASK [name]`, `RUNNING HANDLER [name]` or `PLAY [name]`. */
  heading: string;
  lines: HostLine[];
}

export interface ParsedOutput {
  sections: Section[];
  recap: Record<string, RecapCounts>;
}

const HEADING = /^(PLAY|TASK|RUNNING HANDLER) \[(.*)\] \**\s*$/;
const HOST_LINE = /^(ok|changed|skipping|fatal|failed): \[([^\]]+)\](.*)$/;
const INCLUDED = /^included: (.*) for (.+?)(?: => \(item=(.*)\))?\s*$/;
const DIFF_HEADER = /^(---|\+\+\+) (before|after)\b/;
const DIFF_BODY = /^(@@|[-+ ])/;

function hostLine(status: string, host: string, rest: string, value: unknown): HostLine {
  const unreachable = /^: UNREACHABLE!/.test(rest);
  const item = /\(item=(.*)\)\s*$/.exec(rest.replace(/^: (FAILED|UNREACHABLE)!/, '').replace(/^ => /, '').trim());
  return { status: unreachable ? 'unreachable' : status, host, item: item?.[1], ignored: false, value };
}

/**
 * Text of one run with what belongs to this machine's lab replaced by placeholders (folders by `<case>`, `<lab>`
 * ..., each host's port by `<port:hN>`), so that an outcome recorded here compares with a run anywhere else.
 */
export function normalizeOutput(text: string, folders: [string, string][], ports: [number, string][]): string {
  let normalized = text;
  for (const [folder, placeholder] of folders) normalized = normalized.replaceAll(folder, placeholder);
  for (const [port, host] of ports) normalized = normalized.replace(new RegExp(`\\b${port}\\b`, 'g'), `<port:${host}>`);
  return normalized;
}

/**
 * Reads ansible-playbook's default output (which betif-play mirrors) into sections of per-host lines.
 * `workspace` is replaced by `<case>` in included file names so that runs in different folders compare.
 */
export function parseOutput(stdout: string, workspace: string): ParsedOutput {
  const lines = stdout.replaceAll(workspace, '<case>').split('\n');
  const sections: Section[] = [];
  let section: Section | undefined;
  let pendingDiff: string[] = [];
  const add = (line: HostLine) => {
    if (pendingDiff.length > 0) line.diff = pendingDiff.join('\n');
    pendingDiff = [];
    section?.lines.push(line);
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.startsWith('PLAY RECAP')) break;
    const heading = HEADING.exec(line);
    if (heading) {
      section = { heading: `${heading[1]} [${heading[2]}]`, lines: [] };
      sections.push(section);
      pendingDiff = [];
      continue;
    }
    const included = INCLUDED.exec(line);
    if (included) {
      for (const host of included[2].split(', ')) add({ status: 'included', host, item: included[3], ignored: false, value: included[1] });
      continue;
    }
    const match = HOST_LINE.exec(line);
    if (match) {
      let rest = match[3];
      let value: unknown;
      if (rest.endsWith(' => {')) {
        const json = ['{'];
        while (index + 1 < lines.length && lines[index] !== '}') json.push(lines[++index]);
        try {
          value = JSON.parse(json.join('\n'));
        } catch {
          value = json.join('\n');
        }
        rest = rest.slice(0, -' => {'.length);
      } else {
        const at = rest.indexOf(' => {"');
        if (at >= 0) rest = rest.slice(0, at);
      }
      add(hostLine(match[1], match[2], rest, value));
      continue;
    }
    if (line === '...ignoring') {
      const last = section?.lines.at(-1);
      if (last) last.ignored = true;
      continue;
    }
    if (!DIFF_HEADER.test(line) && DIFF_BODY.test(line)) pendingDiff.push(line);
  }
  return { sections: sections.filter((each) => each.lines.length > 0), recap: parseRecap(stdout) };
}
