/** curl's config-file quoting: the value inside double quotes, with \\, ", newlines, returns and tabs escaped. */
export function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

export interface CurlRequest {
  headers?: Record<string, unknown>;
  username?: string;
  password?: string;
  /** Send the credentials with the first request (otherwise only after a 401, as Ansible does). */
  forceBasicAuth?: boolean;
}

/**
 * The part of a curl command that may hold secrets, as a config file read from stdin (`-K -`):
 * credentials and headers never appear on the target's process list.
 */
export function curlConfig(request: CurlRequest): string {
  const lines: string[] = [];
  if (request.username !== undefined || request.password !== undefined) {
    lines.push(`user = ${quoted(`${request.username ?? ''}:${request.password ?? ''}`)}`);
    lines.push(request.forceBasicAuth ? 'basic' : 'anyauth');
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`header = ${quoted(`${name}: ${String(value)}`)}`);
  return `${lines.join('\n')}\n`;
}

/** How Python's urllib words the common connection failures curl reports. */
export function urllibError(curlError: string, url: string): string {
  if (/\(37\)/.test(curlError)) return `<urlopen error [Errno 2] No such file or directory: '${decodeURIComponent(new URL(url).pathname)}'>`;
  if (/\(7\)/.test(curlError)) return '<urlopen error [Errno 111] Connection refused>';
  if (/\(6\)/.test(curlError)) return '<urlopen error [Errno -2] Name or service not known>';
  if (/\(28\)/.test(curlError)) return '<urlopen error timed out>';
  return curlError;
}
