import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import { runHostScript } from '../../shared/host-script.js';
import { curlConfig, type CurlRequest } from './curl.js';

export interface DownloadRequest extends CurlRequest {
  url: string;
  timeout: number;
  validateCerts: boolean;
  /** HEAD instead of GET (check mode). */
  head: boolean;
  /** Send If-Modified-Since with this file's time (the destination, when it exists and force is off). */
  ifModifiedSince?: string;
  /** Also compute this digest of the downloaded file (sha256 ...). */
  algorithm?: string;
  /** Return the body and remove the file (a checksum list). */
  returnBody?: boolean;
}

export interface Download {
  /** The downloaded file, in the target's temp folder (removed again when `keep` was false). */
  tmp: string;
  /** Whether curl got an answer (any HTTP status, or a file:// file). */
  ok: boolean;
  /** HTTP status, 0 when no response came (and for file:// URLs). */
  status: number;
  /** The status line's text ("Not Found") and curl's error message, if any. */
  reason: string;
  error: string;
  effectiveUrl: string;
  contentDisposition?: string;
  contentLength?: string;
  sha1: string;
  md5: string;
  digest?: string;
  body?: Buffer;
}

/**
 * Downloads on the target with curl: $1 url, $2 timeout, $3 insecure, $4 head, $5 file for
 * If-Modified-Since, $6 digest algorithm; credentials and headers come as a curl config on stdin.
 */
const DOWNLOAD_SCRIPT = `url=$1 timeout=$2 insecure=$3 head=$4 since=$5 algo=$6 body=$7
tmp=$(mktemp "\${TMPDIR:-/tmp}/betif-download.XXXXXXXX") || exit 1
set -- curl -sS -L --max-time "$timeout" -K - -D "$tmp.h" -o "$tmp" -w '%{http_code}\\n%{url_effective}'
[ "$insecure" = 1 ] && set -- "$@" -k
[ "$head" = 1 ] && set -- "$@" -I
[ -n "$since" ] && set -- "$@" -z "$since"
out=$("$@" -- "$url" 2>"$tmp.e"); rc=$?
[ "$head" = 1 ] && : > "$tmp"
printf 'tmp=%s\\nrc=%s\\n' "$tmp" "$rc"
printf 'status=%s\\n' "$(printf '%s\\n' "$out" | sed -n 1p)"
printf 'url=%s\\n' "$(printf '%s\\n' "$out" | sed -n 2p)"
printf 'error=%s\\n' "$(tr '\\n' ' ' < "$tmp.e")"
tr -d '\\r' < "$tmp.h" | awk '/^HTTP\\//{reason=$0; sub(/^HTTP\\/[^ ]* [0-9]+ ?/, "", reason); cd=""; cl=""} tolower($0) ~ /^content-disposition:/{cd=$0; sub(/^[^:]*: */, "", cd)} tolower($0) ~ /^content-length:/{cl=$0; sub(/^[^:]*: */, "", cl)} END{print "reason=" reason; if (cd != "") print "disposition=" cd; if (cl != "") print "length=" cl}'
rm -f -- "$tmp.h" "$tmp.e"
s=$(sha1sum < "$tmp") && printf 'sha1=%s\\n' "\${s%% *}"
s=$(md5sum < "$tmp") && printf 'md5=%s\\n' "\${s%% *}"
if [ -n "$algo" ]; then s=$("\${algo}sum" < "$tmp") && printf 'digest=%s\\n' "\${s%% *}"; fi
if [ "$body" = 1 ]; then printf 'body=%s\\n' "$(base64 -w0 < "$tmp")"; rm -f -- "$tmp"; fi
`;

const ALGORITHMS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

export function checkAlgorithm(algorithm: string): string {
  if (!ALGORITHMS.has(algorithm)) throw new ModuleFailure(`Could not hash file '${algorithm}' with algorithm '${algorithm}'. Available algorithms: ${[...ALGORITHMS].join(', ')}`);
  return algorithm;
}

export async function download(connection: Connection, request: DownloadRequest): Promise<Download> {
  const { sections } = await runHostScript(
    connection,
    DOWNLOAD_SCRIPT,
    [request.url, String(request.timeout), request.validateCerts ? '0' : '1', request.head ? '1' : '0', request.ifModifiedSince ?? '', request.algorithm ?? '', request.returnBody ? '1' : '0'],
    curlConfig(request),
  );
  const output = sections[0];
  const rc = Number(output.get('rc'));
  return {
    tmp: output.get('tmp') ?? '',
    ok: rc === 0,
    status: rc === 0 ? Number(output.get('status') ?? 0) : 0,
    reason: output.get('reason') ?? '',
    error: (output.get('error') ?? '').trim(),
    effectiveUrl: output.get('url') || request.url,
    contentDisposition: output.get('disposition'),
    contentLength: output.get('length'),
    sha1: output.get('sha1') ?? '',
    md5: output.get('md5') ?? '',
    digest: output.get('digest'),
    body: output.has('body') ? Buffer.from(output.get('body') ?? '', 'base64') : undefined,
  };
}

export async function removeTemp(connection: Connection, tmp: string): Promise<void> {
  if (tmp) await connection.exec(['rm', '-f', '--', tmp]);
}
