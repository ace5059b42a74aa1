import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A betif-play command kept loaded for many runs (forked by betif-runner.ts with the bundle's bin.js as argument):
 * loading the bundle costs most of a short run's CPU. Each job is one command line run as bin.js runs it, in the
 * job's folder and environment, with its own stdout and stderr, one job at a time.
 */
export interface Job {
  args: string[];
  cwd: string;
  /** The whole environment of the run. */
  env: Record<string, string>;
}

export interface JobResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Main = (argv: string[], version: string) => Promise<number>;
interface InternalError {
  reportInternalError(error: unknown, showStack: boolean): number;
  wantsStack(argv: readonly string[]): boolean;
}

const bin = process.argv[2];
const binText = readFileSync(bin, 'utf8');
/** The chunk bin.js imports under `name` (its file name carries a content hash). */
const chunk = (name: string): Promise<unknown> => {
  const file = new RegExp(`import\\("\\./(${name}-\\w+\\.js)"\\)`).exec(binText)?.[1];
  if (!file) throw new Error(`${bin} imports no ${name} chunk`);
  return import(pathToFileURL(join(dirname(bin), file)).href);
};
const { main } = (await chunk('main')) as { main: Main };
const { reportInternalError, wantsStack } = (await chunk('internal-error')) as InternalError;
const { version } = JSON.parse(readFileSync(new URL('../../../package.json', pathToFileURL(bin)), 'utf8')) as { version: string };

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function replaceEnvironment(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}

/** Sends the stream's writes to `into` instead. */
function capture(stream: NodeJS.WriteStream, into: string[]): () => void {
  const write = stream.write;
  stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  }) as typeof stream.write;
  return () => {
    stream.write = write;
  };
}

async function run(job: Job): Promise<JobResult> {
  const home = process.cwd();
  const environment = { ...process.env } as Record<string, string>;
  const listeners = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const restoreStdout = capture(process.stdout, stdout);
  const restoreStderr = capture(process.stderr, stderr);
  try {
    process.chdir(job.cwd);
    replaceEnvironment(job.env);
    const argv = [process.execPath, bin, ...job.args];
    const code = await main(argv, version).catch((error: unknown) => reportInternalError(error, wantsStack(job.args)));
    // What the run still writes as it winds down (closing connections) is part of its output, as before the process exits.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    restoreStdout();
    restoreStderr();
    // Each run installs its own interrupt handlers: the next run starts with none of them.
    for (const signal of SIGNALS) for (const listener of process.listeners(signal)) if (!listeners.get(signal)?.includes(listener)) process.off(signal, listener);
    replaceEnvironment(environment);
    process.chdir(home);
    process.exitCode = undefined;
  }
}

process.on('message', (job: Job) => {
  void run(job).then((result) => process.send?.(result));
});
// The suite that forked this worker is gone.
process.on('disconnect', () => process.exit());
process.send?.('ready');
