import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The user's own Ansible installation on the controller: where its code lives. */
export interface ControllerAnsible {
  /** The python that imports it. */
  python: string;
  /** The `ansible` package folder (holds modules/, module_utils/, plugins/action/, config/). */
  packageDir: string;
  version: string;
  /** That python's sys.path: site-packages may hold `ansible_collections`. */
  sysPath: string[];
}

const PROBE = [
  'import json, os, sys',
  'import ansible',
  'from ansible.release import __version__',
  'print(json.dumps({"dir": os.path.dirname(ansible.__file__), "version": __version__, "path": sys.path}))',
].join('\n');

/** The interpreter named on the first line of an `ansible-playbook` or `ansible` found on PATH. */
function shebangPythons(): string[] {
  const found: string[] = [];
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const tool of ['ansible-playbook', 'ansible']) {
      const path = join(folder, tool);
      if (!existsSync(path)) continue;
      try {
        const first = readFileSync(path, 'utf8').slice(0, 200).split('\n')[0];
        const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
        if (match) found.push(match[1].endsWith('/env') && match[2] ? match[2] : match[1]);
      } catch {
        // An unreadable file is no installation.
      }
    }
  }
  return found;
}

let cached: ControllerAnsible | null | undefined;

const CACHE_FILE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'betif-play', 'controller-ansible.json');

interface DiskCache extends ControllerAnsible {
  candidates: string[];
  releaseMtime: number;
}

function releaseMtime(packageDir: string): number | undefined {
  try {
    return statSync(join(packageDir, 'release.py')).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The last probe's answer, while the same pythons are asked and the installation is untouched. */
function fromDisk(candidates: string[]): ControllerAnsible | undefined {
  try {
    const saved = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as DiskCache;
    if (JSON.stringify(saved.candidates) !== JSON.stringify(candidates) || releaseMtime(saved.packageDir) !== saved.releaseMtime) return undefined;
    return { python: saved.python, packageDir: saved.packageDir, version: saved.version, sysPath: saved.sysPath };
  } catch {
    return undefined;
  }
}

function toDisk(candidates: string[], found: ControllerAnsible): void {
  try {
    mkdirSync(join(CACHE_FILE, '..'), { recursive: true });
    writeFileSync(CACHE_FILE, JSON.stringify({ ...found, candidates, releaseMtime: releaseMtime(found.packageDir) }));
  } catch {
    // Without a writable cache folder the probe simply runs again next time.
  }
}

/**
 * Finds ansible-core on the controller (only asked for when a module is not native): the python of the
 * installed ansible-playbook first, then python3 on PATH, then /usr/bin/python3. The answer is kept on disk
 * (~/.cache/betif-play) until the installation changes.
 */
export function controllerAnsible(): ControllerAnsible | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  const candidates = [...new Set([process.env.BETIF_ANSIBLE_PYTHON, ...shebangPythons(), 'python3', '/usr/bin/python3'].filter((python): python is string => Boolean(python)))];
  const saved = fromDisk(candidates);
  if (saved) return (cached = saved);
  for (const python of candidates) {
    try {
      const out = execFileSync(python, ['-c', PROBE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
      const probe = JSON.parse(out) as { dir: string; version: string; path: string[] };
      cached = { python, packageDir: probe.dir, version: probe.version, sysPath: probe.path.filter(Boolean) };
      toDisk(candidates, cached);
      break;
    } catch {
      // Not this python: try the next.
    }
  }
  return cached ?? undefined;
}
