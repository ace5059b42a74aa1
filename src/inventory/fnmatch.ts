/**
 * Python's fnmatch.translate, which Ansible uses for host patterns: '*' matches anything (dots and slashes too),
 * '?' one character, [abc] / [!abc] / [a-z] a set, and the whole name must match. Glob libraries give '/' and a
 * leading '!' special meanings that host patterns do not have, hence this small translation.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i++];
    if (c === '*') {
      while (pattern[i] === '*') i++;
      source += '.*';
    } else if (c === '?') {
      source += '.';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        source += '\\[';
        continue;
      }
      let set = pattern.slice(i, j).replace(/\\/g, '\\\\').replace(/]/g, '\\]');
      i = j + 1;
      if (set === '!') set = '\\s\\S';
      else if (set.startsWith('!')) set = '^' + set.slice(1);
      else if (set.startsWith('^') || set.startsWith('[')) set = '\\' + set;
      source += `[${set}]`;
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${source})$`, 's');
}
