/*
 * Kernel command line arguments as grubby (grubby-bls) treats them: whitespace-separated tokens,
 * `key=value` or bare flags. A bare key in --remove-args removes the key with any value; --args
 * replaces every earlier token with the same key and appends the new one.
 */

/** Splits `args` given as a string or a list of strings into distinct tokens. */
export function argTokens(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? [value] : value;
  return [...new Set(parts.flatMap((part) => part.split(/\s+/)).filter((token) => token !== ''))];
}

/** grubby's key of an argument: `${arg%=*}` (everything before the last '='). */
export function argKey(arg: string): string {
  const equals = arg.lastIndexOf('=');
  return equals < 0 ? arg : arg.slice(0, equals);
}

function hasKey(token: string, key: string): boolean {
  return token === key || token.startsWith(`${key}=`);
}

/** Whether a --remove-args token would remove something: `key=value` only that token, a bare key any value. */
export function removes(tokens: readonly string[], remove: string): boolean {
  return remove.includes('=') ? tokens.includes(remove) : tokens.some((token) => hasKey(token, remove));
}

/** The arguments after `grubby --update-kernel --remove-args=REMOVE --args=ADD`. */
export function updateArgs(tokens: readonly string[], remove: readonly string[], add: readonly string[]): string[] {
  let out = [...tokens];
  for (const arg of remove) {
    if (arg.includes('=')) {
      const at = out.indexOf(arg);
      if (at >= 0) out.splice(at, 1);
    } else {
      out = out.filter((token) => !hasKey(token, arg));
    }
  }
  for (const arg of add) out = out.filter((token) => !hasKey(token, argKey(arg)));
  return [...out, ...add];
}

/** Pairs that can never settle: an argument that remove_args would take away again on every run. */
export function conflicts(add: readonly string[], remove: readonly string[]): string[] {
  return add.flatMap((arg) => remove.filter((other) => removes([arg], other)).map((other) => `'${arg}' is in args but remove_args '${other}' removes it`));
}
