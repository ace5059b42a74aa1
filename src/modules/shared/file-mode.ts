import { ModuleFailure } from '../contract.js';

/** A `mode:` argument: octal text '0644', an integer (YAML 1.1 already read 0644 as 420), or symbolic 'u=rw,g+r'. */
export type ModeArg = string | number;

export interface ModeBase {
  /** Current permission bits of the path (for a new path: what creating it gives). */
  mode: number;
  isDirectory: boolean;
  umask: number;
}

const PERM_BITS = 0o7777;
const EXEC_BITS = 0o111;
/** Bits each class owns, for '=' (which also clears the class's special bit). */
const CLASS_MASK: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

function invalid(mode: ModeArg, details: string): ModuleFailure {
  return new ModuleFailure(`mode must be in octal or symbolic form: '${String(mode)}' (${details})`, { details });
}

/** The bits one permission letter stands for, for one class (Ansible's _get_octal_mode_from_symbolic_perms). */
function permBits(who: string, perm: string, base: ModeBase, useUmask: boolean): number {
  const shift = who === 'u' ? 6 : who === 'g' ? 3 : 0;
  const allowed = useUmask ? ~base.umask & 0o777 : 0o777;
  const copyFrom = (source: number) => ((base.mode >> source) & 0o7) << shift;
  switch (perm) {
    case 'r':
      return (0o4 << shift) & allowed;
    case 'w':
      return (0o2 << shift) & allowed;
    case 'x':
      return (0o1 << shift) & allowed;
    case 'X':
      return base.isDirectory || (base.mode & EXEC_BITS) !== 0 ? 0o1 << shift : 0;
    case 's':
      return who === 'u' ? 0o4000 : who === 'g' ? 0o2000 : 0;
    case 't':
      return who === 'o' ? 0o1000 : 0;
    case 'u':
      return copyFrom(6);
    case 'g':
      return copyFrom(3);
    default:
      return copyFrom(0);
  }
}

function applySymbolic(text: string, base: ModeBase): number {
  let mode = base.mode & PERM_BITS;
  for (const clause of text.split(',')) {
    const [whoText, ...rest] = clause.split(/([+=-])/);
    const useUmask = whoText === '';
    const classes = whoText === '' || whoText === 'a' ? 'ugo' : whoText;
    if (!/^[ugo]+$/.test(classes)) throw invalid(text, `bad symbolic permission for mode: ${clause}`);
    for (let index = 0; index < rest.length; index += 2) {
      const operator = rest[index];
      const perms = rest[index + 1];
      if (!/^[rwxXstugo]*$/.test(perms)) throw invalid(text, `bad symbolic permission for mode: ${clause}`);
      for (const who of classes) {
        // Like Ansible, every clause reads the mode the path had before any clause applied.
        const bits = [...perms].reduce((sum, perm) => sum | permBits(who, perm, base, useUmask), 0);
        if (operator === '=') mode = (mode & ~CLASS_MASK[who] & PERM_BITS) | bits;
        else if (operator === '+') mode |= bits;
        else mode &= ~bits;
      }
    }
  }
  return mode;
}

/** Whether the argument is symbolic (its result depends on the current mode). */
function isSymbolicMode(mode: ModeArg): boolean {
  return typeof mode === 'string' && !/^\s*(0o)?[0-7]+\s*$/i.test(mode);
}

/** The permission bits a `mode:` argument asks for, given what is there now (Ansible's set_mode_if_different). */
export function resolveMode(mode: ModeArg, base: ModeBase): number {
  let bits: number;
  if (typeof mode === 'number') bits = mode;
  else if (!isSymbolicMode(mode)) bits = parseInt(mode.trim().replace(/^0o/i, ''), 8);
  else bits = applySymbolic(mode, base);
  if (!Number.isInteger(bits) || bits < 0 || bits > PERM_BITS) {
    throw new ModuleFailure(`Invalid mode supplied, only permission info is allowed: '${String(mode)}'`, { details: bits });
  }
  return bits;
}

/** The argument as chmod(1) takes it (symbolic text as is), for applying one mode to a whole tree. */
export function chmodText(mode: ModeArg): string {
  return isSymbolicMode(mode) ? String(mode) : `0${resolveMode(mode, { mode: 0, isDirectory: false, umask: 0 }).toString(8)}`;
}

/** Fails early on mode text that can never be valid, whatever the file. */
export function checkModeSyntax(mode: ModeArg | undefined): void {
  if (mode !== undefined && mode !== 'preserve') resolveMode(mode, { mode: 0o644, isDirectory: false, umask: 0o022 });
}
