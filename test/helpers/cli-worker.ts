import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCachedProgram } from '../../src/cli/cached-program.js';

/**
 * The shipped betif-play command kept loaded for many runs (forked by cli.ts with the bundle's bin.js as argument):
 * loading the bundle is most of a short run's CPU, and the suite runs the command about a thousand times. Each job
 * is one command line run as bin.js runs it, in the job's folder and environment, with its own stdout and stderr,
 * one job at a time.
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

const bin = process.argv[2];
// The program as bin.js loads it, with its code cache (never rewritten from here: the build's warm-up made it).
const { main, reportInternalError, wantsStack } = loadCachedProgram(dirname(bin), false);
const { version } = JSON.parse(readFileSync(new URL('../../../package.json', pathToFileURL(bin)), 'utf8')) as { version: string };

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function replaceEnvironment(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}

/** Sends the stream's writes to `into` instead. */
function capture(stream: NodeJS.WriteStream, into: string[]): () => void {
  const write = stream.write;
  stream.write = ((text: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    into.push(typeof text === 'string' ? text : Buffer.from(text).toString(typeof encoding === 'string' ? encoding : 'utf8'));
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
  const argv = [process.execPath, bin, ...job.args];
  const ownArgv = process.argv;
  try {
    process.chdir(job.cwd);
    replaceEnvironment(job.env);
    process.argv = argv;
    const code = await main(argv, version).catch((error: unknown) => reportInternalError(error, wantsStack(job.args)));
    // What the run still writes as it winds down (closing connections) is part of its output, as before a process exits.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    restoreStdout();
    restoreStderr();
    // Each run installs its own interrupt handlers: the next run starts with none of them.
    for (const signal of SIGNALS) for (const listener of process.listeners(signal)) if (!listeners.get(signal)?.includes(listener)) process.off(signal, listener);
    process.argv = ownArgv;
    replaceEnvironment(environment);
    process.chdir(home);
    process.exitCode = undefined;
  }
}

process.on('message', (job: Job) => {
  void run(job).then((result) => process.send?.(result));
});
// The test process that forked this worker is gone.
process.on('disconnect', () => process.exit());
process.send?.('ready');
