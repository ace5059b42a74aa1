import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Opens a file for this run's output owner-only (0600) before its first byte is written: created with that mode, and
 * an existing file (truncated or appended to) narrowed to it on the open descriptor, never chmod'ed afterwards.
 */
export function openPrivateFile(path: string, flags: 'w' | 'a'): number {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, flags, 0o600);
  fchmodSync(fd, 0o600);
  return fd;
}

/** Writes the whole file, owner-only from its first byte. */
export function writePrivateFile(path: string, content: string): void {
  const fd = openPrivateFile(path, 'w');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
