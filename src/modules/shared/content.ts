import { createHash } from 'node:crypto';

/** Ansible's default max_diff_size: bigger files are not diffed. */
export const MAX_DIFF_BYTES = 104448;

export function sha1(content: Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}

/** The content as diffable text, or undefined when it looks binary (a NUL byte, as Ansible checks). */
export function diffText(content: Buffer | undefined): string | undefined {
  if (content === undefined || content.length > MAX_DIFF_BYTES || content.includes(0)) return undefined;
  return content.toString('utf8');
}
