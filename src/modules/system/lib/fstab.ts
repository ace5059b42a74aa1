/** The fstab fields of one mount, escaped as fstab needs (space, ampersand, backslash). */
export interface FstabEntry {
  src: string;
  name: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

const FIELDS = ['src', 'name', 'fstype', 'opts', 'dump', 'passno'] as const;

export function escapeFstab(value: string): string {
  return value.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');
}

function lineOf(entry: FstabEntry): string {
  return `${FIELDS.map((field) => entry[field]).join(' ')}\n`;
}

function linesOf(content: string): string[] {
  return (content.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((line) => (line.endsWith('\n') ? line : `${line}\n`));
}

function isSkipped(line: string): boolean {
  return line.trim() === '' || line.trim().startsWith('#');
}

/** Another swap entry (mount point `none`) with a different source is not this one. */
function isOther(fields: Record<string, string | undefined>, wanted: { name: string; src?: string }): boolean {
  return fields.name !== wanted.name || (wanted.src !== undefined && fields.name === 'none' && fields.fstype === 'swap' && fields.src !== wanted.src);
}

/** The fstab with the entry in place (Ansible's set_mount): matching lines rewritten when a field differs, else appended. */
export function setFstabEntry(content: string, wanted: FstabEntry): { content: string; changed: boolean } {
  let exists = false;
  let changed = false;
  const out = linesOf(content).map((line) => {
    const words = line.split(/\s+/).filter(Boolean);
    if (isSkipped(line) || words.length < 4 || words.length > 6) return line;
    const fields: Record<string, string | undefined> = Object.fromEntries(FIELDS.map((field, index) => [field, words[index]]));
    if (isOther(fields, wanted)) return line;
    exists = true;
    // Ansible's flag carries over: once a line changed, later lines for the same mount point are rewritten too.
    for (const field of ['src', 'fstype', 'opts', 'dump', 'passno'] as const) if (fields[field] !== wanted[field]) changed = true;
    return changed ? lineOf(wanted) : line;
  });
  if (!exists) {
    out.push(lineOf(wanted));
    changed = true;
  }
  return { content: out.join(''), changed };
}

/** The fstab without the mount point's lines (Ansible's unset_mount: only complete six-field lines count). */
export function unsetFstabEntry(content: string, wanted: { name: string; src?: string }): { content: string; changed: boolean } {
  let changed = false;
  const out = linesOf(content).filter((line) => {
    const words = line.split(/\s+/).filter(Boolean);
    if (isSkipped(line) || words.length !== 6) return true;
    if (isOther(Object.fromEntries(FIELDS.map((field, index) => [field, words[index]])), wanted)) return true;
    changed = true;
    return false;
  });
  return { content: out.join(''), changed };
}

/** The mount points in `mount`'s listing ("SRC on DST type FSTYPE (OPTS)"). */
export function mountedTargets(listing: string): Set<string> {
  const targets = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /^.* on (.*) type \S+ \(.*\)$/.exec(line);
    if (match) targets.add(match[1]);
  }
  return targets;
}
