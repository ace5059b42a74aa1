#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { loadProgram } from './program-loader.js';

// Started by the launcher line of the shipped bin.js (scripts/bundle.mjs), node went without NODE_EXTRA_CA_CERTS: the commands it runs get it back.
const extraCaCerts = process.env.BETIF_NODE_EXTRA_CA_CERTS;
if (extraCaCerts !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = extraCaCerts;
  delete process.env.BETIF_NODE_EXTRA_CA_CERTS;
}

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const args = process.argv.slice(2);

// A reader that stops early (`betif-play schema playbook | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

if (args.length === 1 && args[0] === '--version') {
  process.stdout.write(`betif-play ${packageJson.version}\n`);
} else {
  const program = await loadProgram();
  process.exitCode = await program.main(process.argv, packageJson.version).catch((error: unknown) => program.reportInternalError(error, program.wantsStack(args)));
  program.finished();
}
