/**
 * One process that runs many betif-play command lines through the CLI's own `main` (what bin.js calls), so a
 * corpus of a hundred bad inputs costs one start of the program instead of a hundred. Each request: its argv,
 * folder and environment; each answer: the exit code and what was written to stdout and stderr.
 */
import { main } from '../../src/cli/main.js';

interface Request {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

async function runOne(request: Request): Promise<{ code: number; stdout: string; stderr: string }> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const listeners = process.listeners('SIGINT');
  const output = { stdout: '', stderr: '' };
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => ((output.stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((output.stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    Object.assign(process.env, request.env);
    process.chdir(request.cwd);
    const code = await main([process.execPath, 'betif-play', ...request.args], '0.0.0-test');
    return { code, ...output };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    for (const listener of process.listeners('SIGINT')) if (!listeners.includes(listener)) process.removeListener('SIGINT', listener);
  }
}

process.on('message', (request: Request) => {
  runOne(request).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ code: -1, stdout: '', stderr: `the worker itself failed: ${String(error)}` }),
  );
});
