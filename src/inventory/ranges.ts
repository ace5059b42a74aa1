import { parseAddress } from './address.js';

/**
 * A host entry of an inventory file: "name", "name:port", "[ipv6]:port", with ranges. Text that is not a valid
 * address is kept as the host name, as Ansible does.
 */
export function expandHostPattern(text: string): { hosts: string[]; port?: number } {
  const address = parseAddress(text, true) ?? { host: text };
  return { hosts: expandHostRange(address.host), port: address.port };
}

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Expands Ansible host ranges: "web[1:3]" -> web1 web2 web3, "db[01:10:2]" keeps the zero padding and steps by 2,
 * "node-[a:c]" walks letters; several ranges in one name multiply. A name without '[' is returned as is.
 * Throws an Error with Ansible's message for a malformed range.
 */
export function expandHostRange(name: string): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  if (close < 0) throw new Error(`host range in "${name}" is missing its closing ']'`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error('host range must be begin:end or begin:end:step');
  const begin = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? parseDecimal(bounds[2], name) : 1;
  if (!end) throw new Error('host range must specify end value');
  if (step <= 0) throw new Error(`host range step must be a positive number in "${name}"`);

  let width = 0;
  if (begin.length > 1 && begin.startsWith('0')) {
    if (begin.length !== end.length) throw new Error('host range must specify equal-length begin and end formats');
    width = begin.length;
  }

  const items: string[] = [];
  const beginLetter = ASCII_LETTERS.indexOf(begin);
  const endLetter = ASCII_LETTERS.indexOf(end);
  if (beginLetter >= 0 && endLetter >= 0) {
    if (beginLetter > endLetter) throw new Error('host range must have begin <= end');
    for (let i = beginLetter; i <= endLetter; i += step) items.push(ASCII_LETTERS[i]);
  } else {
    const last = parseDecimal(end, name);
    for (let i = parseDecimal(begin, name); i <= last; i += step) items.push(String(i).padStart(width, '0'));
  }
  return items.flatMap((item) => expandHostRange(head + item + tail));
}

function parseDecimal(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`invalid host range in "${name}": "${text}" is not a number or a letter`);
  return Number(text);
}
