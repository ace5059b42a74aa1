import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** The user name owning a uid, from the controller's /etc/passwd; the number itself when there is none. */
function userName(uid: number): string {
  try {
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':')).find((fields) => fields[2] === String(uid));
    if (entry) return entry[0];
  } catch {
    // no passwd database: fall back to the number
  }
  return String(uid);
}

/** Python's str(datetime): "2024-05-01 09:30:00.123456" in local time. */
function pythonDateTime(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}`;
}

/**
 * The variables Ansible's template action adds for the file it renders (generate_ansible_template_vars):
 * where the template is, who owns it, the controller's name, and `ansible_managed` (the default string).
 */
export function templateVars(src: string, fullpath: string, dest: string | null): Record<string, unknown> {
  const stats = statSync(fullpath);
  return {
    template_host: hostname(),
    template_path: src,
    template_fullpath: resolve(fullpath),
    template_uid: userName(stats.uid),
    template_mtime: pythonDateTime(stats.mtime),
    template_run_date: pythonDateTime(new Date()),
    template_destpath: dest,
    ansible_managed: 'Ansible managed',
  };
}
