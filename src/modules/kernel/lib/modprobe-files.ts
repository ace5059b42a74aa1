import { ModuleFailure } from '../../contract.js';
import { splitCommandLine } from '../../shared/split-command.js';

export type ModuleParams = string | Record<string, string | number | boolean>;

export interface ModprobeFileArgs {
  name: string;
  params?: ModuleParams;
  persistent: 'disabled' | 'present' | 'absent';
  blacklist?: boolean;
}

export interface ModprobeFiles {
  /** /etc/modules-load.d/NAME.conf: systemd-modules-load loads NAME at boot. */
  modulesLoad: string;
  /** /etc/modprobe.d/NAME.conf: `options NAME PARAMS`. */
  options: string;
  /** /etc/modprobe.d/blacklist-NAME.conf: `blacklist NAME`. */
  blacklist: string;
}

export function modprobeFiles(name: string): ModprobeFiles {
  return {
    modulesLoad: `/etc/modules-load.d/${name}.conf`,
    options: `/etc/modprobe.d/${name}.conf`,
    blacklist: `/etc/modprobe.d/blacklist-${name}.conf`,
  };
}

/** Parameters as modprobe.d writes them: `ids=10de:2204 note="two words"`. */
export function paramsText(params: ModuleParams | undefined): string {
  if (params === undefined) return '';
  if (typeof params === 'string') return params.trim();
  return Object.entries(params)
    .map(([key, value]) => {
      // Every kernel bool parameter takes 1 and 0.
      const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
      if (text.includes('"')) throw new ModuleFailure(`module parameter ${key} must not contain double quotes`);
      return /\s/.test(text) || text === '' ? `${key}="${text}"` : `${key}=${text}`;
    })
    .join(' ');
}

/** The parameters as separate modprobe arguments (quotes group words, as Python's shlex.split in Ansible's module). */
export function paramWords(text: string): string[] {
  if (/[\n\r]/.test(text)) throw new ModuleFailure('module parameters must be on one line');
  return splitCommandLine(text);
}

/** The content each file should have (null: no file); files the arguments leave alone are not in the map. */
export function wantedContents(args: ModprobeFileArgs, files: ModprobeFiles): Map<string, string | null> {
  const params = paramsText(args.params);
  const optionsLine = params ? `options ${args.name} ${params}\n` : '';
  const wanted = new Map<string, string | null>();
  if (args.persistent === 'present') {
    wanted.set(files.modulesLoad, `${args.name}\n`);
    wanted.set(files.options, optionsLine || null);
  } else if (args.persistent === 'absent') {
    wanted.set(files.modulesLoad, null);
    wanted.set(files.options, null);
  }
  if (args.blacklist !== undefined) wanted.set(files.blacklist, args.blacklist ? `blacklist ${args.name}\n${optionsLine}` : null);
  return wanted;
}
