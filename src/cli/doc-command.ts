import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { parse } from 'yaml';
import { stringConstant } from '../ansible-modules/documentation.js';
import { lookupModule } from '../ansible-modules/lookup.js';
import { indexPage, modulePage, pageName } from '../docs/markdown.js';
import { allModuleDocs, moduleDoc, namesByModule } from '../docs/module-doc.js';
import { listText, moduleText } from '../docs/text.js';
import type { ModuleRegistry } from '../modules/registry.js';

export class DocCommandError extends Error {}

const USAGE = 'usage: betif-play doc MODULE... | --list | --out DIR';

/** A name betif-play only runs through Ansible's own module: where it is and its short_description, if installed. */
function ansibleModuleNote(name: string): string | undefined {
  const looked = lookupModule(name, { roleDirs: [], playbookDirs: [process.cwd()], collections: [] });
  if (!('found' in looked)) return undefined;
  const { fqcn, path, actionPlugin } = looked.found;
  let summary: unknown;
  try {
    summary = (parse(stringConstant(readFileSync(path, 'utf8'), 'DOCUMENTATION') ?? '') as { short_description?: unknown } | null)?.short_description;
  } catch {
    summary = undefined;
  }
  const what = typeof summary === 'string' ? `: ${summary}` : '';
  const runs = actionPlugin ? `Ansible's ${fqcn} (${path}) needs its action plugin, which betif-play does not run` : `tasks run Ansible's ${fqcn} (${path})`;
  return `${name} is not a betif-play native module; ${runs}${what}. Its documentation: ansible-doc ${fqcn}\n`;
}

/** Writes docs/modules/FQCN.md for every module and the README.md index. */
function writePages(out: string, registry: ModuleRegistry): void {
  const docs = allModuleDocs(registry);
  mkdirSync(out, { recursive: true });
  for (const doc of docs) writeFileSync(join(out, pageName(doc)), modulePage(doc));
  writeFileSync(join(out, 'README.md'), indexPage(docs));
  process.stdout.write(`${docs.length} module pages and README.md written to ${out}\n`);
}

/**
 * `betif-play doc MODULE...` prints each module's documentation as ansible-doc does; `--list` lists every module;
 * `--out DIR` writes the markdown pages. An unknown module is a warning and exit 0, as with ansible-doc.
 */
export function docCommand(args: string[], registry: ModuleRegistry): number {
  if (args.includes('--list')) {
    if (args.length > 1) throw new DocCommandError(USAGE);
    process.stdout.write(listText(allModuleDocs(registry)));
    return 0;
  }
  const outAt = args.indexOf('--out');
  if (outAt >= 0) {
    if (args.length !== 2 || outAt !== 0) throw new DocCommandError(USAGE);
    writePages(args[1], registry);
    return 0;
  }
  if (args.length === 0 || args.some((arg) => arg.startsWith('-'))) throw new DocCommandError(USAGE);
  const names = namesByModule(registry);
  for (const name of args) {
    const module = registry.find(name);
    if (module) {
      process.stdout.write(moduleText(moduleDoc(module, names.get(module) ?? [name])));
      continue;
    }
    const note = ansibleModuleNote(name);
    if (note) process.stdout.write(note);
    else process.stderr.write(`[WARNING]: module ${name} not found, did you mean ${closest(name, registry.names())}?\n`);
  }
  return 0;
}
