import type { Connection } from '../../../connection/types.js';
import type { FileStat } from '../../shared/file-stat.js';
import { modprobeFiles, type ModprobeFiles } from './modprobe-files.js';
import { probePaths } from '../../shared/probe.js';

export interface ConfigFile {
  path: string;
  /** undefined when the file does not exist. */
  content?: string;
  stat?: FileStat;
}

export interface ModprobeState {
  files: ModprobeFiles;
  /** Each configuration file's current content, by path. */
  current: Map<string, ConfigFile>;
  loaded: boolean;
}

/** The kernel's name for a module: sysfs and /proc/modules use '_' where modprobe accepts '-'. */
export function kernelName(name: string): string {
  return name.replace(/-/g, '_');
}

/** One round trip: the three configuration files, /proc/modules and /sys/module/NAME. */
export async function readModprobeState(connection: Connection, name: string): Promise<ModprobeState> {
  const files = modprobeFiles(name);
  const configPaths = [files.modulesLoad, files.options, files.blacklist];
  const probe = await probePaths(connection, [...configPaths, '/proc/modules', `/sys/module/${kernelName(name)}`], { content: true });
  const [procModules, sysfsFolder] = probe.paths.slice(configPaths.length);
  const listed = (procModules.content?.toString('utf8') ?? '').split('\n').some((line) => line.startsWith(`${kernelName(name)} `));
  const current = new Map(
    probe.paths.slice(0, configPaths.length).map((found) => [found.path, { path: found.path, content: found.exists ? (found.content?.toString('utf8') ?? '') : undefined, stat: found.stat }]),
  );
  return { files, current, loaded: listed || sysfsFolder.exists };
}
