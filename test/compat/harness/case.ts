import { Ajv } from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** What a case compares between the two tools. */
export const FACETS = ['exit', 'recap', 'files', 'tasks', 'values', 'diffs'] as const;
export type Facet = (typeof FACETS)[number];

export type Counts = Partial<Record<'ok' | 'changed' | 'unreachable' | 'failed' | 'skipped' | 'rescued' | 'ignored', number>>;

/** Absolute expectations on one tool's last run. */
export interface Expectation {
  exit?: number;
  recap?: Record<string, Counts>;
  /** Regular expressions the output must match. */
  output?: string[];
  /** Regular expressions the output must not match. */
  absent?: string[];
  /** Files on the hosts: `h1:/srv/x` → exact content, or null when the file must not exist. */
  files?: Record<string, string | null>;
}

export interface SetupFile {
  path: string;
  content?: string;
  mode?: string;
  state?: 'file' | 'directory' | 'link';
  src?: string;
  /** A file of this project (e.g. test/lab/standins/systemctl) to copy instead of `content`. */
  source?: string;
  hosts?: string[];
}

export interface CaseSpec {
  /** The one behaviour the case exercises. */
  title: string;
  /** How many lab hosts the inventory holds (h1..hN). */
  hosts: number;
  /** Command lines, run in sequence on the same hosts (each one compared). */
  runs: string[][];
  /** Folders on the hosts that are emptied before each tool's runs and compared after each run. */
  paths: string[];
  setup: SetupFile[];
  env: Record<string, string>;
  /** What Ansible's last run must show (default: exit 0), so that a broken case cannot "agree". */
  expect: Expectation;
  differs?: {
    reason: string;
    /** The facets where betif-play deliberately differs; the others must still agree. */
    facets: Facet[];
    /** betif-play's own behaviour on its last run. */
    expect: Expectation;
  };
}

export interface CompatCase {
  /** The folder name, e.g. 07-child-group-overrides-parent. */
  name: string;
  dir: string;
  spec: CaseSpec;
}

const counts = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, propertyNames: { enum: ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] } };
const expectation = {
  type: 'object',
  additionalProperties: false,
  properties: {
    exit: { type: 'integer' },
    recap: { type: 'object', additionalProperties: counts },
    output: { type: 'array', items: { type: 'string' } },
    absent: { type: 'array', items: { type: 'string' } },
    files: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
  },
};
const argv = { type: 'array', items: { type: 'string' } };
// Only folders a case may wipe: never /etc, /opt or /root, which the lab host needs to keep working.
const hostFolder = { type: 'string', pattern: '^/(srv|mnt)(/[^/.][^/]*)*$' };

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    title: { type: 'string', minLength: 1 },
    hosts: { type: 'integer', minimum: 1, maximum: 3 },
    args: argv,
    runs: { type: 'array', minItems: 1, items: argv },
    paths: { type: 'array', items: hostFolder },
    setup: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: hostFolder,
          content: { type: 'string' },
          mode: { type: 'string', pattern: '^0[0-7]{3}$' },
          state: { enum: ['file', 'directory', 'link'] },
          src: { type: 'string' },
          source: { type: 'string', pattern: '^[^/]' },
          hosts: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    env: { type: 'object', additionalProperties: { type: 'string' } },
    expect: expectation,
    differs: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'facets', 'expect'],
      properties: {
        reason: { type: 'string', minLength: 1 },
        facets: { type: 'array', items: { enum: [...FACETS] } },
        expect: expectation,
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile(schema);

// Compiled to dist/test/compat/harness/: the cases stay in the source tree.
const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CASES_DIR = join(PROJECT_ROOT, 'test', 'compat', 'cases');

function loadCase(dir: string, name: string): CompatCase {
  const raw: unknown = parse(readFileSync(join(dir, 'case.yml'), 'utf8'));
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ');
    throw new Error(`${name}/case.yml: ${problems}`);
  }
  const spec = raw as Record<string, unknown> & Partial<CaseSpec> & { args?: string[] };
  if (spec.args && spec.runs) throw new Error(`${name}/case.yml: give either args or runs, not both`);
  if (!existsSync(join(dir, 'playbook.yml'))) throw new Error(`${name}: no playbook.yml`);
  return {
    name,
    dir,
    spec: {
      title: spec.title as string,
      hosts: spec.hosts ?? 2,
      runs: spec.runs ?? [spec.args ?? []],
      paths: spec.paths ?? ['/srv'],
      setup: (spec.setup ?? []).map((file) => (file.source ? { ...file, source: join(PROJECT_ROOT, file.source) } : file)),
      env: spec.env ?? {},
      expect: { exit: 0, ...spec.expect },
      differs: spec.differs,
    },
  };
}

/** Every case folder (NN-name), in order; `only` keeps the names containing one of its strings. */
export function loadCases(only: string[] = []): CompatCase[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+-/.test(entry.name))
    .map((entry) => entry.name)
    .filter((name) => only.length === 0 || only.some((part) => name.includes(part)))
    .sort()
    .map((name) => loadCase(join(CASES_DIR, name), name));
}
