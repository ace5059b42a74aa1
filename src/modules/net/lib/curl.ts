/** curl's config-file quoting: the value inside double quotes, with \\ and " escaped. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
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
