import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult, type Plan } from '../contract.js';
import { foldAliases, withAliases } from '../shared/arg-schema.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { removePath } from '../shared/file-ops.js';
import type { FileStat } from '../shared/file-stat.js';
import { runHostScript } from '../shared/host-script.js';
import { probePaths } from '../shared/probe.js';
import { CronTable } from './lib/crontab.js';

interface CronArgs {
  name: string;
  user?: string;
  job?: string;
  cron_file?: string;
  state: 'present' | 'absent';
  backup: boolean;
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
  special_time?: string;
  disabled: boolean;
  env: boolean;
  insertafter?: string;
  insertbefore?: string;
}

interface CronRead {
  table: CronTable;
  /** The cron_file's status, when one is managed. */
  fileStat?: FileStat;
}

const ALIASES = { job: ['value'], day: ['dom'], weekday: ['dow'] } as const;

function cronArgs(raw: Record<string, unknown>): CronArgs {
  const args = foldAliases<CronArgs>(raw, ALIASES);
  return { ...args, day: args.day ?? '*', weekday: args.weekday ?? '*' };
}

/** cron_file as a path: relative names live in /etc/cron.d. */
function cronFilePath(args: CronArgs): string | undefined {
  if (args.cron_file === undefined) return undefined;
  return posix.isAbsolute(args.cron_file) ? args.cron_file : posix.join('/etc/cron.d', args.cron_file);
}

/** Ansible's checks, in its order. */
function refuse(args: CronArgs): void {
  if (args.cron_file === '/etc/crontab') throw new ModuleFailure('Will not manage /etc/crontab via cron_file, see documentation.');
  if (args.special_time && [args.minute, args.hour, args.day, args.month, args.weekday].some((field) => field !== '*')) {
    throw new ModuleFailure('You must specify time and date fields or special time.');
  }
  if (args.state !== 'present') return;
  if (args.cron_file !== undefined && args.user === undefined) throw new ModuleFailure('To use cron_file=... parameter you must specify user=... as well');
  if (args.job === undefined) throw new ModuleFailure("You must specify 'job' to install a new cron job or variable");
  if ((args.insertafter !== undefined || args.insertbefore !== undefined) && !args.env) throw new ModuleFailure('Insertafter and insertbefore parameters are valid only with env=yes');
  if (args.env && args.name.includes(' ')) throw new ModuleFailure('Invalid name for environment variable');
}

function userFlag(args: CronArgs): string[] {
  return args.user === undefined ? [] : ['-u', args.user];
}

function jobLine(args: CronArgs, job: string): string {
  const trimmed = job.replace(/^[\r\n]+|[\r\n]+$/g, '');
  const prefix = args.disabled ? '#' : '';
  const owner = args.cron_file !== undefined ? ` ${args.user}` : '';
  if (args.special_time) return `${prefix}@${args.special_time}${owner} ${trimmed}`;
  return `${prefix}${args.minute} ${args.hour} ${args.day} ${args.month} ${args.weekday}${owner} ${trimmed}`;
}

/** Edits the table as asked; whether that is a change. */
function edit(args: CronArgs, table: CronTable): boolean {
  const install = args.state === 'present';
  if (args.env) {
    const decl = `${args.name}="${args.job}"`;
    const old = table.findEnv(args.name);
    if (install && !old) table.addEnv(decl, args.insertafter, args.insertbefore);
    else if (install && old && old[1] !== decl) table.updateEnv(args.name, decl);
    else if (!install && old) table.updateEnv(args.name, undefined);
    else return false;
    return true;
  }
  if (install) {
    const job = jobLine(args, args.job as string);
    const old = table.findJob(args.name, job);
    if (old.length === 0) table.addJob(args.name, job);
    else if (old[1] !== job || old.length > 2) table.updateJob(args.name, job);
    else return false;
    return true;
  }
  if (table.findJob(args.name).length === 0) return false;
  table.updateJob(args.name, undefined);
  return true;
}

function header(args: CronArgs): string {
  return cronFilePath(args) ?? (args.user === undefined ? 'crontab' : `crontab for user "${args.user}"`);
}

async function readCron(connection: Connection, args: CronArgs): Promise<CronRead> {
  const path = cronFilePath(args);
  if (path !== undefined) {
    const [probe] = (await probePaths(connection, [path], { content: true })).paths;
    return { table: new CronTable(probe.content?.toString('utf8') ?? ''), fileStat: probe.stat };
  }
  const { rc, stdout } = await connection.exec(['crontab', ...userFlag(args), '-l']);
  // 1 means no crontab yet.
  if (rc !== 0 && rc !== 1) throw new ModuleFailure('Unable to read crontab');
  return { table: CronTable.fromListing(rc === 0 ? stdout : ''), fileStat: undefined };
}

async function writeCron(ctx: ModuleContext, args: CronArgs, read: CronRead, text: string): Promise<void> {
  const path = cronFilePath(args);
  if (path !== undefined) {
    await writeFileAtomically(ctx.connection, { path, content: Buffer.from(text, 'utf8'), replacing: read.fileStat, attributes: NO_ATTRIBUTE_CHANGE, backup: false });
    return;
  }
  const { rc, stderr } = await ctx.connection.exec(['crontab', ...userFlag(args), '-'], { stdin: text });
  if (rc !== 0) throw new ModuleFailure(stderr);
}

/** Ansible's backup: the table as it was, in a temporary file on the host. */
async function backupTable(connection: Connection, text: string): Promise<string> {
  const { sections } = await runHostScript(connection, 'f=$(mktemp "${TMPDIR:-/tmp}/crontabXXXXXXXX") && cat > "$f" && echo "file=$f"', [], text);
  return sections[0].get('file') ?? '';
}

/** An emptied cron_file is removed rather than left empty. */
function planFileRemoval(args: CronArgs, read: CronRead, ctx: ModuleContext): Plan {
  const path = cronFilePath(args) as string;
  const result = { cron_file: args.cron_file, state: args.state };
  return {
    changed: read.fileStat !== undefined,
    diff: [{ before: read.table.existing, after: '', beforeHeader: path, afterHeader: '/dev/null' }],
    result,
    apply: async () => {
      await removePath(ctx.connection, path);
      return {};
    },
  };
}

export default defineModule<Record<string, unknown>, CronRead>({
  name: 'cron',
  examples: `
- name: Rotate reports every night at 02:30
  ansible.builtin.cron:
    name: rotate reports
    minute: '30'
    hour: '2'
    job: /usr/local/bin/rotate-reports

- name: Set PATH for the crontab
  ansible.builtin.cron:
    name: PATH
    env: true
    job: /usr/local/bin:/usr/bin:/bin
`,
  returns: {
    jobs: { type: 'list', returned: 'success', description: 'The names of the jobs in the crontab.' },
    envs: { type: 'list', returned: 'success', description: 'The names of the variables in the crontab.' },
  },
  schema: {
    description: "Manages cron jobs and environment variables in a user's crontab or a /etc/cron.d file.",
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    not: { required: ['insertafter', 'insertbefore'] },
    properties: withAliases(
      {
        name: { type: 'string', description: "The job's description, written as the \"#Ansible - NAME\" comment that identifies it." },
        user: { type: 'string', minLength: 1, description: 'The user whose crontab is changed (default the connecting user).' },
        job: { type: 'string', description: "The command the job runs (or, with env, the variable's value)." },
        cron_file: { type: 'string', minLength: 1, description: "A file in /etc/cron.d to use instead of a user's crontab." },
        state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the job or variable is present or absent.' },
        backup: { type: 'boolean', default: false, description: 'Whether a copy of the crontab is kept before it is changed.' },
        minute: { type: 'string', default: '*', description: 'The minute field (0-59, *, */5 ...).' },
        hour: { type: 'string', default: '*', description: 'The hour field (0-23, * ...).' },
        day: { type: 'string', description: 'The day-of-month field (1-31, * ...).' },
        month: { type: 'string', default: '*', description: 'The month field (1-12, * ...).' },
        weekday: { type: 'string', description: 'The day-of-week field (0-6 for Sunday-Saturday, * ...).' },
        special_time: { type: 'string', enum: ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'], description: 'A special schedule instead of the time fields (reboot, daily, hourly ...).' },
        disabled: { type: 'boolean', default: false, description: 'Whether the job is written commented out.' },
        env: { type: 'boolean', default: false, description: 'Whether name and job set an environment variable line instead of a job.' },
        insertafter: { type: 'string', description: 'With env, the variable line a new variable goes after.' },
        insertbefore: { type: 'string', description: 'With env, the variable line a new variable goes before.' },
      },
      ALIASES,
    ),
  },
  read: (ctx, raw) => {
    const args = cronArgs(raw);
    refuse(args);
    return readCron(ctx.connection, args);
  },
  plan: (raw, read, ctx) => {
    const args = cronArgs(raw);
    const before = read.table.existing;
    let changed = edit(args, read.table);
    if (changed && !args.env && args.state === 'absent' && args.cron_file !== undefined && read.table.isEmpty()) return planFileRemoval(args, read, ctx);
    // A table without a final newline is rewritten with one.
    if (!changed && before !== '' && !/[\r\n]$/.test(before)) changed = true;
    const after = read.table.render();
    const result: ModuleResult = { jobs: read.table.jobNames(), envs: read.table.envNames(), ...(args.cron_file === undefined ? {} : { cron_file: args.cron_file }) };
    return {
      changed,
      diff: changed ? [{ before, after, beforeHeader: header(args), afterHeader: header(args) }] : [],
      result,
      apply: async () => {
        const backupFile = args.backup ? await backupTable(ctx.connection, before) : undefined;
        await writeCron(ctx, args, read, after);
        return backupFile === undefined ? {} : { backup_file: backupFile };
      },
    };
  },
});
