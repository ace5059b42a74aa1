import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SetupFile } from './case.js';

export interface HostRoot {
  name: string;
  /** The host's filesystem as seen from the controller. */
  root: string;
}

/** `h1:/srv/x` → `file 0644` + content, `dir 0755`, or `link -> target`. */
export type FileSnapshot = Map<string, string>;

// Ansible's and betif-play's backup names carry the time: `app.conf.1234.2024-11-24@21:13:00~`.
const BACKUP_SUFFIX = /\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/;

export function normalizeBackupName(path: string): string {
  return path.replace(BACKUP_SUFFIX, '.<pid>.<time>~');
}

/** Empties the case's folders on each host, then lays down its setup files. */
export function resetHosts(hosts: HostRoot[], paths: string[], setup: SetupFile[]): void {
  for (const host of hosts) {
    for (const path of paths) {
      const local = join(host.root, path);
      rmSync(local, { recursive: true, force: true });
      mkdirSync(local, { recursive: true });
    }
    for (const file of setup) {
      if (file.hosts && !file.hosts.includes(host.name)) continue;
      const local = join(host.root, file.path);
      mkdirSync(dirname(local), { recursive: true });
      if (file.state === 'directory') mkdirSync(local, { recursive: true });
      else if (file.state === 'link') symlinkSync(file.src ?? '', local);
      else if (file.source) copyFileSync(file.source, local);
      else writeFileSync(local, file.content ?? '');
      if (file.mode) chmodSync(local, parseInt(file.mode, 8));
    }
  }
}

/** Several backups of one file share a normalized name: they are told apart by their order of writing (#2, #3 ...). */
function uniqueKey(into: FileSnapshot, key: string): string {
  let unique = key;
  for (let count = 2; into.has(unique); count++) unique = `${key}#${count}`;
  return unique;
}

/** Folder entries by name, backups of the same file by the time they were written (their names hold a pid). */
function entriesInWritingOrder(local: string): string[] {
  const mtime = (name: string) => lstatSync(join(local, name), { bigint: true }).mtimeNs;
  return readdirSync(local)
    .map((name) => ({ name, normalized: normalizeBackupName(name), written: mtime(name) }))
    .sort((a, b) => (a.normalized === b.normalized ? Number(a.written - b.written) : a.normalized < b.normalized ? -1 : 1))
    .map((entry) => entry.name);
}

function walk(local: string, remote: string, into: FileSnapshot, host: string): void {
  const stat = lstatSync(local);
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
  const key = uniqueKey(into, `${host}:${normalizeBackupName(remote)}`);
  if (stat.isSymbolicLink()) {
    into.set(key, `link -> ${readlinkSync(local)}`);
  } else if (stat.isDirectory()) {
    into.set(key, `dir ${mode}`);
    for (const name of entriesInWritingOrder(local)) walk(join(local, name), `${remote}/${name}`, into, host);
  } else {
    into.set(key, `file ${mode}\n${readFileSync(local, 'utf8')}`);
  }
}

/** Every file, folder and link under the case's folders on each host. */
export function snapshotHosts(hosts: HostRoot[], paths: string[]): FileSnapshot {
  const snapshot: FileSnapshot = new Map();
  for (const host of hosts) {
    for (const path of paths) {
      const local = join(host.root, path);
      if (existsSync(local)) walk(local, path, snapshot, host.name);
    }
  }
  return snapshot;
}
