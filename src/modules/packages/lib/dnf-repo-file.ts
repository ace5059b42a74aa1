import type { Connection } from '../../../connection/types.js';
import { shellScript } from '../../../connection/quote.js';
import { ModuleFailure } from '../../contract.js';

export interface RepoFields {
  name: string;
  baseurl: string;
  description?: string;
  enabled?: boolean;
  gpgcheck?: boolean;
  gpgkey?: string | string[];
}

/** The .repo file for one repository, in the key order `dnf config-manager` writes. */
export function renderRepoFile(fields: RepoFields): string {
  const keys = Array.isArray(fields.gpgkey) ? fields.gpgkey : fields.gpgkey === undefined ? [] : [fields.gpgkey];
  const lines = [
    `[${fields.name}]`,
    `name=${fields.description ?? fields.name}`,
    `baseurl=${fields.baseurl}`,
    `enabled=${fields.enabled === false ? 0 : 1}`,
    ...(fields.gpgcheck === undefined ? [] : [`gpgcheck=${fields.gpgcheck ? 1 : 0}`]),
    ...(keys.length ? [`gpgkey=${keys.join(' ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Where a `url:` argument points: a file on the target, or something to download there. */
export type RepoSource = { kind: 'path'; path: string } | { kind: 'download'; url: string };

export function repoSource(url: string): RepoSource {
  if (url.startsWith('/')) return { kind: 'path', path: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ModuleFailure(`url must be an absolute path on the host or a file://, http:// or https:// URL: '${url}'`);
  }
  if (parsed.protocol === 'file:') return { kind: 'path', path: decodeURIComponent(parsed.pathname) };
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'ftp:') return { kind: 'download', url };
  throw new ModuleFailure(`unsupported url scheme '${parsed.protocol}' in '${url}'`);
}

const DOWNLOAD_SCRIPT = `if command -v curl >/dev/null 2>&1; then exec curl -fsSL -- "$1"
elif command -v wget >/dev/null 2>&1; then exec wget -q -O - -- "$1"
else echo 'neither curl nor wget is installed on the host' >&2; exit 127; fi`;

/** Downloads a .repo file on the target (the target, not the controller, may be the one that can reach it). */
export async function downloadOnTarget(connection: Connection, url: string): Promise<string> {
  const { rc, stdout, stderr } = await connection.exec(shellScript(DOWNLOAD_SCRIPT, [url]));
  if (rc !== 0) throw new ModuleFailure(`Failed to download ${url}: ${stderr.trim() || `exit code ${rc}`}`, { rc, stderr });
  return stdout;
}

/** A downloaded error page is not a repo file: ask for at least one [section]. */
export function checkRepoText(text: string, url: string): void {
  if (!/^\s*\[[^\]\n]+\]\s*$/m.test(text)) throw new ModuleFailure(`${url} is not a .repo file: no [repository] section found`);
}
