import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleResult, type Plan } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, withAliases } from '../shared/arg-schema.js';
import { planAttributes, type AttributeArgs } from '../shared/file-attributes.js';
import { pathInfo } from '../shared/file-stat.js';
import { probePaths, type HostProbe, type PathProbe } from '../shared/probe.js';
import { urllibError } from './lib/curl.js';
import { sendRequest, type HttpOutcome } from './lib/http-request.js';
import { encodeBody, type BodyFormat } from './lib/request-body.js';

interface UriArgs extends AttributeArgs {
  url: string;
  method: string;
  body?: unknown;
  body_format: BodyFormat;
  headers: Record<string, unknown>;
  status_code: number[] | number | string;
  return_content: boolean;
  dest?: string;
  creates?: string;
  removes?: string;
  timeout: number;
  url_username?: string;
  url_password?: string;
  force_basic_auth: boolean;
  validate_certs: boolean;
  follow_redirects: 'all' | 'no' | 'none' | 'safe' | 'urllib2' | 'yes';
  http_agent: string;
}

type UriState =
  | { kind: 'check' }
  | { kind: 'skipped'; reason: 'creates' | 'removes' }
  | { kind: 'answered'; outcome: Extract<HttpOutcome, { kind: 'answered' }>; elapsed: number; dest?: { path: string; probe: HostProbe; target: PathProbe; writes: boolean } };

const ALIASES = { url_username: ['user'], url_password: ['password'] };

const PROPERTIES: Record<string, object> = {
  url: { type: 'string', minLength: 1, description: 'HTTP or HTTPS URL, requested from the target host.' },
  method: { type: 'string', minLength: 1, default: 'GET', description: 'The HTTP method of the request (one uppercase word: GET, POST, PUT, DELETE, HEAD ...).' },
  body: { description: 'The body of the request: text, or a dict/list encoded as body_format says.' },
  body_format: { enum: ['raw', 'json', 'form-urlencoded'], default: 'raw', description: 'How a dict or list body is encoded (json and form-urlencoded also set the Content-Type header).' },
  headers: { type: 'object', default: {}, description: 'Extra request headers, as a dict.' },
  status_code: { type: ['array', 'integer', 'string'], items: { type: ['integer', 'string'] }, default: [200], description: 'The status codes that mean success; any other status fails the task.' },
  return_content: { type: 'boolean', default: false, description: 'Return the body of the response as `content` (JSON bodies are also returned parsed as `json`).' },
  dest: { type: 'string', minLength: 1, description: 'Write the response body to this file (or into this folder) on the target.' },
  creates: { type: 'string', minLength: 1, description: 'Skip the request when this path already exists on the target.' },
  removes: { type: 'string', minLength: 1, description: 'Skip the request when this path does not exist on the target.' },
  timeout: { type: 'integer', default: 30, description: 'Socket timeout of the request, in seconds.' },
  url_username: { type: 'string', description: 'Username for HTTP basic authentication.' },
  url_password: { type: 'string', description: 'Password for HTTP basic authentication (secret: never printed).' },
  force_basic_auth: { type: 'boolean', default: false, description: 'Send the basic authentication header with the first request instead of waiting for a 401.' },
  validate_certs: { type: 'boolean', default: true, description: 'Verify the server\'s TLS certificate.' },
  follow_redirects: { enum: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], default: 'safe', description: 'Which redirects to follow: safe follows them only for GET and HEAD; all/yes always; no/none never.' },
  http_agent: { type: 'string', default: 'ansible-httpget', description: 'The User-Agent header of the request.' },
  ...FILE_ATTRIBUTE_PROPERTIES,
};

const args = (raw: Record<string, unknown>): UriArgs => foldAliases<UriArgs>(raw, ALIASES, PROPERTIES);

/** status_code as Ansible's list of ints reads it: a list, one number, or "200,201". */
function statusCodes(value: UriArgs['status_code']): number[] {
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items.map((item) => {
    const code = Number(String(item).trim());
    if (!Number.isInteger(code)) throw new ModuleFailure(`Elements value for option 'status_code' is of type ${typeof item} and we were unable to convert to int: invalid literal for int() with base 10: '${item}'`);
    return code;
  });
}

function follows(mode: UriArgs['follow_redirects'], method: string): boolean {
  if (mode === 'safe') return method === 'GET' || method === 'HEAD';
  return mode === 'all' || mode === 'yes' || mode === 'urllib2';
}

/** A Location header made absolute against the request URL (uri's absolute_location). */
function absoluteLocation(url: string, location: string): string {
  if (location.includes('://')) return location;
  if (location.startsWith('/')) {
    // Python's url.replace(path, ''): every occurrence of the URL's path goes.
    const path = /^[^:]+:\/\/[^/?#]*([^?#]*)/.exec(url)?.[1] ?? '';
    return `${path ? url.split(path).join('') : url}${location}`;
  }
  return `${posix.dirname(url)}/${location}`;
}

const isJsonType = (contentType: string | undefined): boolean => {
  const subtype = (contentType ?? '').split(';')[0].trim().split('/')[1] ?? '';
  return ['json', 'javascript'].includes((subtype.includes('+') ? subtype.slice(subtype.indexOf('+') + 1) : subtype).toLowerCase());
};

/** The file the response is written to: dest, or a name from the response inside a dest folder. */
function destFile(dest: string, outcome: Extract<HttpOutcome, { kind: 'answered' }>): string {
  if (!outcome.destIsDirectory) return dest;
  const disposition = /filename="?([^";]+)"?/i.exec(outcome.headers['content-disposition'] ?? '')?.[1];
  const fromUrl = decodeURIComponent(posix.basename(new URL(outcome.effectiveUrl).pathname.replace(/\/+$/, '')));
  return posix.join(dest, disposition ?? (fromUrl || 'index.html'));
}

/** Ansible's result keys: the response headers lower-cased with _ for -, beside url, status, msg ... */
function responseFields(url: string, outcome: Extract<HttpOutcome, { kind: 'answered' }>): ModuleResult {
  if (!outcome.ok) return { url, status: -1, msg: `Request failed: ${urllibError(outcome.error, url)}` };
  const headers = Object.fromEntries(Object.entries(outcome.headers).map(([name, value]) => [name.replace(/-/g, '_'), value]));
  if (outcome.status < 200 || outcome.status >= 300) return { url, ...headers, msg: `HTTP Error ${outcome.status}: ${outcome.reason}`, status: outcome.status };
  const cookies = outcome.setCookies.map((line) => line.split(';')[0]).filter((pair) => pair.includes('='));
  return {
    ...headers,
    cookies_string: cookies.join('; '),
    cookies: Object.fromEntries(cookies.map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()])),
    msg: `OK (${outcome.headers['content-length'] ?? 'unknown'} bytes)`,
    url: outcome.effectiveUrl,
    status: outcome.status,
  };
}

export default defineModule<Record<string, unknown>, UriState>({
  name: 'uri',
  examples: `
- name: Ask a service for its health
  ansible.builtin.uri:
    url: http://localhost:8080/health
    return_content: true
  register: health

- name: Create an object through an API
  ansible.builtin.uri:
    url: https://api.example.com/v1/items
    method: POST
    body_format: json
    body: {name: item1}
    status_code: [200, 201]
`,
  returns: {
    status: { type: 'int', returned: 'always', description: 'The HTTP status code (-1 when no connection was made).' },
    url: { type: 'str', returned: 'always', description: 'The URL that was finally requested (after redirects).' },
    redirected: { type: 'bool', returned: 'success', description: 'Whether a redirect was followed.' },
    content: { type: 'str', returned: 'when return_content is true', description: 'The body of the response.' },
    json: { type: 'dict', returned: 'when the response is JSON', description: 'The body of the response, parsed.' },
    cookies: { type: 'dict', returned: 'success', description: 'The cookies the server set.' },
    msg: { type: 'str', returned: 'always', description: 'The HTTP status message, or the error.' },
  },
  secretArgs: ['url_password', 'password'],
  schema: {
    type: 'object',
    description: 'Interacts with HTTP and HTTPS web services from the target host (curl on the target).',
    additionalProperties: false,
    required: ['url'],
    properties: withAliases(PROPERTIES, ALIASES),
  },

  async read(ctx, raw) {
    // uri does not support check mode: Ansible skips it before looking at anything (its action plugin runs it as ansible.legacy.uri).
    if (ctx.check) return { kind: 'check' };
    const task = args(raw);
    const method = task.method.toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new ModuleFailure("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    const codes = statusCodes(task.status_code);
    const { text, contentType } = encodeBody(task.body, task.body_format);
    const headers = { ...task.headers };
    if (contentType && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = contentType;
    const started = Date.now();
    const outcome = await sendRequest(ctx.connection, {
      url: task.url,
      method,
      body: text,
      headers,
      username: task.url_username,
      password: task.url_password,
      forceBasicAuth: task.force_basic_auth,
      timeout: task.timeout,
      validateCerts: task.validate_certs,
      followRedirects: follows(task.follow_redirects, method),
      userAgent: task.http_agent,
      ifModifiedSince: task.dest,
      returnBody: task.return_content || task.dest === undefined,
      creates: task.creates,
      removes: task.removes,
    });
    if (outcome.kind === 'skipped') return outcome;
    const elapsed = Math.floor((Date.now() - started) / 1000);
    if (task.dest === undefined || !outcome.ok) return { kind: 'answered', outcome, elapsed };
    const path = destFile(task.dest, outcome);
    const probe = await probePaths(ctx.connection, [path], { owner: task.owner, group: task.group });
    const writes = codes.includes(outcome.status) && outcome.status !== 304;
    if (!writes && outcome.tmp) await ctx.connection.exec(['rm', '-f', '--', outcome.tmp]);
    return { kind: 'answered', outcome, elapsed, dest: { path, probe, target: probe.paths[0], writes } };
  },

  plan(raw, state, ctx): Plan {
    if (state.kind === 'check') return { changed: false, skip: 'remote module (ansible.legacy.uri) does not support check mode' };
    const task = args(raw);
    if (state.kind === 'skipped') {
      const path = state.reason === 'creates' ? task.creates : task.removes;
      return { changed: false, result: { stdout: state.reason === 'creates' ? `skipped, since '${path}' exists` : `skipped, since '${path}' does not exist` } };
    }
    const { outcome, dest } = state;
    const fields = responseFields(task.url, outcome);
    const result: ModuleResult = { redirected: fields.url !== task.url, ...fields, elapsed: state.elapsed, changed: false };
    if (typeof result.location === 'string') result.location = absoluteLocation(task.url, result.location);
    const content = outcome.body === undefined ? undefined : task.method.toUpperCase() === 'HEAD' ? '' : outcome.body.toString('utf8');
    if (content !== undefined && isJsonType(outcome.headers['content-type'])) {
      try {
        result.json = JSON.parse(content);
      } catch {
        // Not JSON after all: Ansible leaves `json` out.
      }
    }
    const codes = statusCodes(task.status_code);
    // As AnsibleModule does for any result with a `path`: the file's attributes.
    if (dest) Object.assign(result, { path: dest.path }, dest.target.stat ? pathInfo(dest.target.stat) : {});
    if (!codes.includes(result.status as number)) {
      const msg = `Status code was ${result.status} and not [${codes.join(', ')}]: ${result.msg}`;
      throw new ModuleFailure(msg, { ...result, ...(task.return_content ? { content } : {}) });
    }
    if (task.return_content) result.content = content;
    if (!dest?.writes) return { changed: false, result };
    const attributes = planAttributes(task, dest.target.stat, dest.probe, false);
    const tmp = outcome.tmp as string;
    return {
      changed: true,
      result,
      apply: async () => {
        try {
          const written = await writeFileAtomically(ctx.connection, { path: dest.path, remoteSource: tmp, replacing: dest.target.stat, attributes, backup: false });
          return pathInfo(written.stat);
        } finally {
          await ctx.connection.exec(['rm', '-f', '--', tmp]);
        }
      },
    };
  },
});
