import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the payload's packages come from on the controller. */
export interface PayloadSources {
  /** The folder holding the `ansible` package of the user's ansible-core. */
  coreRoot: string;
  collectionDir(namespace: string, collection: string): string | undefined;
}

/** As AnsiballZ's: `ansible` is a namespace-extending package, so the target's own Ansible (if any) never shadows the payload's. */
const ANSIBLE_INIT = "from pkgutil import extend_path\n__path__ = extend_path(__path__, __name__)\n";

interface ImportRef {
  /** Absolute dotted module name. */
  module: string;
  /** Names imported from it (each may be a submodule). */
  names: string[];
}

const FROM_IMPORT = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\\n)*)/gm;
const PLAIN_IMPORT = /^[ \t]*import[ \t]+((?:[^\n\\#;]|\\\n)+)/gm;

function importedNames(text: string): string[] {
  return text
    .replace(/[()\\]/g, ' ')
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(',')
    .map((part) => part.trim().split(/\s+as\s+/)[0].trim())
    .filter((name) => /^\w+$/.test(name));
}

/** The imports of a Python file, found statically as AnsiballZ does (relative ones made absolute). */
export function importsOf(source: string, zipPath: string): ImportRef[] {
  const refs: ImportRef[] = [];
  const packageParts = zipPath.split('/').slice(0, -1);
  for (const match of source.matchAll(FROM_IMPORT)) {
    const written = match[1];
    const level = /^\.*/.exec(written)![0].length;
    const rest = written.slice(level);
    let module = rest;
    if (level > 0) {
      const base = packageParts.slice(0, packageParts.length - (level - 1));
      module = [...base, ...(rest ? [rest] : [])].join('.');
    }
    refs.push({ module, names: importedNames(match[2]) });
  }
  for (const match of source.matchAll(PLAIN_IMPORT)) {
    for (const part of match[1].replace(/\\\n/g, ' ').split(',')) {
      const module = part.trim().split(/\s+as\s+/)[0].trim();
      if (/^[\w.]+$/.test(module)) refs.push({ module, names: [] });
    }
  }
  return refs;
}

/** A module_utils name the payload must carry, with the smallest dotted prefix that is still inside it. */
function scopeOf(dotted: string): { minParts: number } | undefined {
  const parts = dotted.split('.');
  if (parts[0] === 'ansible' && parts[1] === 'module_utils') return { minParts: 2 };
  if (parts[0] === 'ansible_collections' && parts.length >= 5 && parts[3] === 'plugins' && parts[4] === 'module_utils') return { minParts: 5 };
  return undefined;
}

/** Collects the module and every module_utils file it needs, recursively, keyed by their path in the payload. */
export class PayloadCollector {
  readonly files = new Map<string, Buffer>();
  private readonly missing = new Set<string>();

  constructor(private readonly sources: PayloadSources) {}

  /** Where a payload path lives on the controller. */
  private diskPath(zipPath: string): string | undefined {
    const parts = zipPath.split('/');
    if (parts[0] === 'ansible') return join(this.sources.coreRoot, zipPath);
    if (parts[0] === 'ansible_collections' && parts.length > 3) {
      const dir = this.sources.collectionDir(parts[1], parts[2]);
      return dir ? join(dir, ...parts.slice(3)) : undefined;
    }
    return undefined;
  }

  private exists(zipPath: string): boolean {
    if (this.files.has(zipPath)) return true;
    if (this.missing.has(zipPath)) return false;
    const disk = this.diskPath(zipPath);
    if (disk && existsSync(disk)) return true;
    this.missing.add(zipPath);
    return false;
  }

  /** Adds a file (read from disk unless given) with the packages above it, then what it imports. */
  add(zipPath: string, content?: Buffer): void {
    if (this.files.has(zipPath)) return;
    const bytes = content ?? readFileSync(this.diskPath(zipPath)!);
    this.files.set(zipPath, bytes);
    this.addPackages(zipPath);
    for (const ref of importsOf(bytes.toString('utf8'), zipPath)) this.require(ref);
  }

  private addPackages(zipPath: string): void {
    const parts = zipPath.split('/');
    for (let length = 1; length < parts.length; length += 1) {
      const init = [...parts.slice(0, length), '__init__.py'].join('/');
      if (this.files.has(init)) continue;
      if (init === 'ansible/__init__.py') this.files.set(init, Buffer.from(ANSIBLE_INIT));
      else if (this.exists(init)) this.add(init);
      else this.files.set(init, Buffer.alloc(0));
    }
  }

  private require(ref: ImportRef): void {
    for (const dotted of [...ref.names.map((name) => `${ref.module}.${name}`), ref.module]) {
      const scope = scopeOf(dotted);
      if (!scope) continue;
      const parts = dotted.split('.');
      for (let length = parts.length; length >= scope.minParts; length -= 1) {
        const base = parts.slice(0, length).join('/');
        const file = [`${base}.py`, `${base}/__init__.py`].find((candidate) => this.exists(candidate));
        if (file) {
          this.add(file);
          break;
        }
      }
    }
  }
}
