import type { Connection } from '../../../connection/types.js';
import { runHostScript } from '../../shared/host-script.js';
import { curlConfig, quoted, type CurlRequest } from './curl.js';

export interface HttpRequest extends CurlRequest {
  url: string;
  method: string;
  /** The request body as sent (already encoded); sent through curl's config on stdin, never on the command line. */
  body?: string;
  timeout: number;
  validateCerts: boolean;
  followRedirects: boolean;
  userAgent: string;
  /** Send If-Modified-Since with this file's time, when it is a file (uri's dest). */
  ifModifiedSince?: string;
  /** Bring the body back (otherwise it stays in the returned temp file, for dest). */
  returnBody: boolean;
  /** Skip the request when this path exists / does not exist (checked on the target first). */
  creates?: string;
  removes?: string;
}

export type HttpOutcome =
  | { kind: 'skipped'; reason: 'creates' | 'removes' }
  | {
      kind: 'answered';
      /** curl reached the server (else status is -1 and error holds curl's message). */
      ok: boolean;
      status: number;
      /** The status line's reason phrase ("Not Found"). */
      reason: string;
      error: string;
      effectiveUrl: string;
      /** The final response's headers, lower-cased, duplicates joined with ", " (as Ansible's fetch_url). */
      headers: Record<string, string>;
      /** Every Set-Cookie of every response (redirects included). */
      setCookies: string[];
      body?: Buffer;
      /** The body's file on the target when it was not brought back. */
      tmp?: string;
      /** Whether the dest given as ifModifiedSince is a folder. */
      destIsDirectory: boolean;
    };

/**
 * $1 url, $2 timeout, $3 insecure, $4 dest (If-Modified-Since when a file), $5 return body, $6 creates,
 * $7 removes; then curl's own flags (method, redirects). Secrets, headers and the body come on stdin as a
 * curl config.
 */
const REQUEST_SCRIPT = `url=$1 timeout=$2 insecure=$3 dest=$4 want=$5 creates=$6 removes=$7
shift 7
if [ -n "$creates" ] && [ -e "$creates" ]; then echo skipped=creates; exit 0; fi
if [ -n "$removes" ] && [ ! -e "$removes" ]; then echo skipped=removes; exit 0; fi
command -v curl >/dev/null 2>&1 || { echo 'uri needs curl on the target' >&2; exit 1; }
tmp=$(mktemp "\${TMPDIR:-/tmp}/betif-uri.XXXXXXXX") || exit 1
set -- curl -sS --max-time "$timeout" -K - -D "$tmp.h" -o "$tmp" -w '%{http_code}\\n%{url_effective}' "$@"
[ "$insecure" = 1 ] && set -- "$@" -k
[ -d "$dest" ] && echo dest_dir=1
[ -n "$dest" ] && [ -f "$dest" ] && set -- "$@" -z "$dest"
out=$("$@" -- "$url" 2>"$tmp.e"); rc=$?
printf 'rc=%s\\n' "$rc"
printf 'status=%s\\n' "$(printf '%s\\n' "$out" | sed -n 1p)"
printf 'url=%s\\n' "$(printf '%s\\n' "$out" | sed -n 2p)"
printf 'error=%s\\n' "$(tr '\\n' ' ' < "$tmp.e")"
printf 'headers=%s\\n' "$(base64 -w0 < "$tmp.h" 2>/dev/null)"
rm -f -- "$tmp.h" "$tmp.e"
if [ "$want" = 1 ]; then printf 'body=%s\\n' "$(base64 -w0 < "$tmp")"; rm -f -- "$tmp"; else printf 'tmp=%s\\n' "$tmp"; fi
`;

/** curl's flags for the method and redirects, as Python's urllib would send the request. */
function curlFlags(request: HttpRequest): string[] {
  const flags: string[] = [];
  if (request.method === 'HEAD') flags.push('-I');
  else if (request.method !== (request.body === undefined ? 'GET' : 'POST')) flags.push('-X', request.method);
  if (request.followRedirects) flags.push('-L', '--max-redirs', '10');
  return flags;
}

function config(request: HttpRequest): string {
  const lines = [`user-agent = ${quoted(request.userAgent)}`];
  // data-raw: a body starting with @ is text, never a file name.
  if (request.body !== undefined) lines.push(`data-raw = ${quoted(request.body)}`);
  return `${curlConfig(request)}${lines.join('\n')}\n`;
}

/** The header blocks curl wrote (one per response, redirects and 100 Continue included). */
function headerBlocks(raw: string): string[][] {
  return raw
    .replace(/\r/g, '')
    .split(/\n\n+/)
    .map((block) => block.split('\n').filter(Boolean))
    .filter((lines) => lines.length > 0 && lines[0].startsWith('HTTP/'));
}

function headerMap(lines: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    map[name] = name in map ? `${map[name]}, ${value}` : value;
  }
  return map;
}

export async function sendRequest(connection: Connection, request: HttpRequest): Promise<HttpOutcome> {
  const { sections } = await runHostScript(
    connection,
    REQUEST_SCRIPT,
    [request.url, String(request.timeout), request.validateCerts ? '0' : '1', request.ifModifiedSince ?? '', request.returnBody ? '1' : '0', request.creates ?? '', request.removes ?? '', ...curlFlags(request)],
    config(request),
  );
  const output = sections[0];
  const skipped = output.get('skipped');
  if (skipped === 'creates' || skipped === 'removes') return { kind: 'skipped', reason: skipped };
  const blocks = headerBlocks(Buffer.from(output.get('headers') ?? '', 'base64').toString('latin1'));
  const last = blocks.at(-1) ?? [];
  const ok = output.get('rc') === '0';
  return {
    kind: 'answered',
    ok,
    status: ok ? Number(output.get('status') ?? -1) : -1,
    reason: (last[0] ?? '').replace(/^HTTP\/\S+ \d+ ?/, ''),
    error: (output.get('error') ?? '').trim(),
    effectiveUrl: output.get('url') || request.url,
    headers: headerMap(last),
    setCookies: blocks.flatMap((block) => block.filter((line) => /^set-cookie:/i.test(line)).map((line) => line.slice(line.indexOf(':') + 1).trim())),
    body: output.has('body') ? Buffer.from(output.get('body') ?? '', 'base64') : undefined,
    tmp: output.get('tmp'),
    destIsDirectory: output.get('dest_dir') === '1',
  };
}
