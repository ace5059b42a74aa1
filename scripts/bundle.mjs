/**
 * Builds the shipped CLI into dist/bundle/cli/: bin.js (src/cli/bin.ts; `--version` loads nothing else) and the
 * program it runs, bundled by esbuild into one CommonJS file with a V8 code cache made by a warm-up run
 * (src/cli/cached-program.ts): a run starts without compiling the program again.
 * The module registry's folder scan is replaced by an index of the module files found now (run tsc first:
 * the index reads their names from its output), so adding a module stays adding one file and a run evaluates
 * only the modules it names; each module's argument schema and the playbook keyword validators are compiled here
 * into ajv's standalone code (a run loads no ajv for them); nunjucks starts on its first use.
 * Type-checking and the unit tests keep using tsc's output.
 */
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modulesDir = join(root, 'src', 'modules');
const HELPER_FOLDERS = new Set(['shared', 'lib']);
const { PROGRAM_FILE, CODE_CACHE_FILE } = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'cached-program.js')).href);

/** The same rule as src/modules/module-files.ts: every .ts file directly inside a family folder. */
function moduleSources() {
  return readdirSync(modulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !HELPER_FOLDERS.has(entry.name))
    .flatMap((family) => readdirSync(join(modulesDir, family.name)).filter((file) => file.endsWith('.ts')).sort().map((file) => join(modulesDir, family.name, file)));
}

/** A module file's compiled output (tsc's, in dist/), imported here to read what the module declares. */
async function compiledModule(file) {
  return (await import(pathToFileURL(join(root, 'dist', relative(root, file)).replace(/\.ts$/, '.js')).href)).default;
}

/** How the module index names a module for the plugin below: this prefix and the module file's path under src/modules. */
const MODULE_PREFIX = 'betif-module:';

/**
 * The module index: every module's names, read from tsc's output of the same files, and an import of the module
 * (with its argument validator built in) whose code runs only when a task names the module.
 */
async function moduleIndexSource() {
  const entries = await Promise.all(moduleSources().map(async (file) => {
    const { name, namespace, aliases } = await compiledModule(file);
    const source = `${MODULE_PREFIX}${relative(modulesDir, file).split('\\').join('/')}`;
    return `{ name: ${JSON.stringify(name)}, namespace: ${JSON.stringify(namespace)}, aliases: ${JSON.stringify(aliases)}, load: async () => (await import(${JSON.stringify(source)})).default }`;
  }));
  return `export async function moduleEntries() { return [\n${entries.join(',\n')}\n]; }\n`;
}

/** What the index imports for a module: the module file and its argument schema compiled now into ajv's standalone code (a run loads no ajv for it). */
async function moduleWithValidatorSource(file) {
  const { ARG_AJV_OPTIONS } = await import(pathToFileURL(join(root, 'dist', 'src', 'modules', 'args.js')).href);
  const ajv = new Ajv({ ...ARG_AJV_OPTIONS, code: { source: true, esm: true } });
  ajv.addSchema((await compiledModule(file)).schema, 'arguments');
  return [
    `import module from ${JSON.stringify(file)};`,
    `import { withBuiltValidator } from ${JSON.stringify(join(modulesDir, 'args.ts'))};`,
    standaloneCode(ajv, { validate: 'arguments' }).replace('export const validate = ', 'const validate = '),
    'export default withBuiltValidator(module, validate);',
  ].join('\n');
}

/** The keyword validators of src/playbook/keyword-validators.ts, compiled now into ajv's standalone code. */
async function keywordValidatorsSource() {
  const compiled = (file) => import(pathToFileURL(join(root, 'dist', 'src', 'playbook', file)).href);
  const { KEYWORD_AJV_OPTIONS } = await compiled('keyword-validators.js');
  const { KEYWORD_TABLES, keywordSchema } = await compiled('keywords.js');
  const ajv = new Ajv({ ...KEYWORD_AJV_OPTIONS, code: { source: true, esm: true } });
  const names = Object.keys(KEYWORD_TABLES);
  for (const name of names) ajv.addSchema(keywordSchema(KEYWORD_TABLES[name]), name);
  const code = standaloneCode(ajv, Object.fromEntries(names.map((name) => [name, name])));
  return `${code}\nexport function keywordValidators() { return { ${names.join(', ')} }; }\n`;
}

const buildTimeCode = {
  name: 'build-time-code',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]modules[\\/]module-files\.ts$/ }, async () => ({ contents: await moduleIndexSource(), loader: 'ts', resolveDir: modulesDir }));
    esbuild.onResolve({ filter: new RegExp(`^${MODULE_PREFIX}`) }, (args) => ({ path: join(modulesDir, args.path.slice(MODULE_PREFIX.length)), namespace: 'betif-module' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'betif-module' }, async (args) => ({ contents: await moduleWithValidatorSource(args.path), loader: 'js', resolveDir: root }));
    esbuild.onLoad({ filter: /[\\/]src[\\/]playbook[\\/]keyword-validators\.ts$/ }, async () => ({ contents: await keywordValidatorsSource(), loader: 'js' }));
    // esbuild bundles a require() of a package as code that runs on the first call.
    esbuild.onLoad({ filter: /[\\/]src[\\/]template[\\/]nunjucks-library\.ts$/ }, () => ({ contents: "export function nunjucksLibrary() { return require('nunjucks'); }\n", loader: 'js', resolveDir: root }));
  },
};

const nativeAddons = {
  name: 'native-addons',
  setup(esbuild) {
    esbuild.onResolve({ filter: /[\\/]sshcrypto\.node$/ }, () => ({ path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true }));
  },
};

const outdir = join(root, 'dist', 'bundle', 'cli');
const shared = { bundle: true, platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, legalComments: 'none', metafile: true, logLevel: 'warning', charset: 'ascii' };
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });

// The program: one CommonJS file, so that V8's code cache can keep what it compiled (src/cli/cached-program.ts).
// A module's code, and each package's, runs only when a run first imports it.
const program = await build({
  ...shared,
  stdin: {
    contents: "export { main } from './main.ts';\nexport { reportInternalError, wantsStack } from './internal-error.ts';\n",
    resolveDir: join(root, 'src', 'cli'),
    sourcefile: 'bundled-program.ts',
    loader: 'ts',
  },
  outfile: join(outdir, PROGRAM_FILE),
  format: 'cjs',
  // The bundle sits where an ES module of it would: paths relative to import.meta.url stay right.
  define: { 'import.meta.url': '__betifModuleUrl' },
  banner: { js: "const __betifModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Native addons stay where npm built them: cpu-features, and ssh2's crypto binding (found from the bundle by its package path).
  external: ['cpu-features'],
  plugins: [buildTimeCode, nativeAddons],
});

// bin.js: `--version` loads nothing else; a run loads the program through its code cache.
const cachedLoader = {
  name: 'cached-program',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]cli[\\/]program-loader\.ts$/ }, () => ({
      contents: [
        `import { loadCachedProgram } from ${JSON.stringify(join(root, 'src', 'cli', 'cached-program.ts'))};`,
        "import { fileURLToPath } from 'node:url';",
        "export async function loadProgram() { return loadCachedProgram(fileURLToPath(new URL('.', import.meta.url))); }",
      ].join('\n'),
      loader: 'ts',
    }));
  },
};
const bin = await build({ ...shared, entryPoints: [join(root, 'src', 'cli', 'bin.ts')], outdir, format: 'esm', plugins: [cachedLoader] });

/*
 * The shipped bin.js is also a sh script: run as a command, sh starts node on it without NODE_EXTRA_CA_CERTS. Node
 * reads that CA file (and its own CA store) before any code runs, 50 ms of every start where it is set, and
 * betif-play makes no TLS connection of its own; bin.ts gives the variable back to the commands it runs. To node the
 * line is a string and a comment.
 */
const LAUNCHER = [
  '#!/bin/sh',
  '":" //; if [ -n "${NODE_EXTRA_CA_CERTS+set}" ]; then BETIF_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export BETIF_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"',
].join('\n');
const binFile = join(outdir, 'bin.js');
const binSource = readFileSync(binFile, 'utf8');
if (!binSource.startsWith('#!/usr/bin/env node\n')) throw new Error('bin.js no longer starts with its node hashbang');
writeFileSync(binFile, LAUNCHER + binSource.slice('#!/usr/bin/env node'.length));

// The warm-up: a run in check mode on localhost leaves the code it compiled in the cache (and proves the bundle runs).
const warmUp = spawnSync(process.execPath, [join(outdir, 'bin.js'), '--check', join(root, 'scripts', 'warm-up.yml')], { cwd: root, encoding: 'utf8' });
if (warmUp.status !== 0 || !existsSync(join(outdir, CODE_CACHE_FILE))) throw new Error(`the bundle's warm-up run failed (exit ${warmUp.status}):\n${warmUp.stdout}${warmUp.stderr}`);

const outputs = [program, bin].flatMap((result) => Object.values(result.metafile.outputs));
const bytes = outputs.reduce((sum, output) => sum + output.bytes, 0);
console.log(`bundle: dist/bundle/cli/bin.js, ${moduleSources().length} modules, ${(bytes / 1024).toFixed(0)} KiB in ${outputs.length} files, code cache ${(statSync(join(outdir, CODE_CACHE_FILE)).size / 1024).toFixed(0)} KiB`);
