/**
 * Builds the shipped CLI: src/cli/bin.ts and everything it imports bundled by esbuild into
 * dist/bundle/cli/ (bin.js starts fast: `--version` loads nothing else; a run loads the chunks it uses).
 * The module registry's folder scan is replaced by an index of the module files found now (run tsc first:
 * the index reads their names from its output), so adding a module stays adding one file and a run imports
 * only the modules it names; the playbook keyword validators are compiled here into ajv's standalone code;
 * nunjucks starts on its first use.
 * Type-checking and the unit tests keep using tsc's output.
 */
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modulesDir = join(root, 'src', 'modules');
const HELPER_FOLDERS = new Set(['shared', 'lib']);

/** The same rule as src/modules/module-files.ts: every .ts file directly inside a family folder. */
function moduleSources() {
  return readdirSync(modulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !HELPER_FOLDERS.has(entry.name))
    .flatMap((family) => readdirSync(join(modulesDir, family.name)).filter((file) => file.endsWith('.ts')).sort().map((file) => join(modulesDir, family.name, file)));
}

/**
 * The module index: every module's names, read from tsc's output of the same files, and an import of the
 * module's own chunk that runs only when a task names the module.
 */
async function moduleIndexSource() {
  const entries = await Promise.all(moduleSources().map(async (file) => {
    const compiled = join(root, 'dist', relative(root, file)).replace(/\.ts$/, '.js');
    const { name, namespace, aliases } = (await import(pathToFileURL(compiled).href)).default;
    const source = './' + relative(modulesDir, file).split('\\').join('/');
    return `{ name: ${JSON.stringify(name)}, namespace: ${JSON.stringify(namespace)}, aliases: ${JSON.stringify(aliases)}, load: async () => (await import(${JSON.stringify(source)})).default }`;
  }));
  return `export async function moduleEntries() { return [\n${entries.join(',\n')}\n]; }\n`;
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
    esbuild.onLoad({ filter: /[\\/]src[\\/]playbook[\\/]keyword-validators\.ts$/ }, async () => ({ contents: await keywordValidatorsSource(), loader: 'js' }));
    // esbuild bundles a require() of a package as code that runs on the first call.
    esbuild.onLoad({ filter: /[\\/]src[\\/]template[\\/]nunjucks-library\.ts$/ }, () => ({ contents: "export function nunjucksLibrary() { return require('nunjucks'); }\n", loader: 'js', resolveDir: root }));
  },
};

// Chunk names carry content hashes: the previous build's chunks would pile up.
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
  outdir: join(root, 'dist', 'bundle', 'cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as __betifRequire } from 'node:module'; const require = __betifRequire(import.meta.url);" },
  // ssh2 loads its optional native crypto binding from its own folder.
  external: ['ssh2'],
  plugins: [buildTimeCode],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`bundle: dist/bundle/cli/bin.js, ${moduleSources().length} modules, ${(bytes / 1024).toFixed(0)} KiB in ${Object.keys(result.metafile.outputs).length} files`);
