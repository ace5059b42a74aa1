// Ansible's parsing/utils/addresses.py: what counts as a host name, an IP address, and a ":port" suffix.
const numericRange = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const hexadecimalRange = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const alphanumericRange = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const ipv6Part = `(?:[0-9a-f]{1,4}|${hexadecimalRange})`;
const ipv4Part = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${numericRange})`;
const word = String.raw`[\p{L}\p{N}_]`;
const label = `(?:${word}|${alphanumericRange})(?:${word}|-|${alphanumericRange})*(?<![_-])`;

const BRACKETED_HOST_PORT = /^\[(.+)\]:([0-9]+)$/;
const HOST_PORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(String.raw`^(?:${ipv4Part}\.){3}${ipv4Part}$`, 'i');
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${ipv6Part}:){7}${ipv6Part}`,
      `(?:${ipv6Part}:){1,6}:`,
      `(?:${ipv6Part}:)(?::${ipv6Part}){1,6}`,
      `(?:${ipv6Part}:){2}(?::${ipv6Part}){1,5}`,
      `(?:${ipv6Part}:){3}(?::${ipv6Part}){1,4}`,
      `(?:${ipv6Part}:){4}(?::${ipv6Part}){1,3}`,
      `(?:${ipv6Part}:){5}(?::${ipv6Part}){1,2}`,
      `(?:${ipv6Part}:){6}(?::${ipv6Part})`,
      `:(?::${ipv6Part}){1,6}`,
      `${ipv6Part}?::`,
      String.raw`(?:0:){6}(?:${ipv6Part}\.){3}${ipv6Part}`,
      String.raw`::(?:ffff:)?(?:${ipv6Part}\.){3}${ipv6Part}`,
      String.raw`(?:0:){5}ffff:(?:${ipv6Part}\.){3}${ipv6Part}`,
    ].join('|') +
    ')$',
  'i',
);
const HOSTNAME = new RegExp(String.raw`^${label}(?:\.${label})*$`, 'iu');
/** HOSTNAME for ASCII names: far cheaper to compile than the Unicode one, which only a non-ASCII name then needs. */
const asciiLabel = label.replace(word, '[a-z0-9_]').replace(word, '[a-z0-9_]');
const ASCII_HOSTNAME = new RegExp(String.raw`^${asciiLabel}(?:\.${asciiLabel})*$`, 'i');

export interface Address {
  host: string;
  port?: number;
}

/**
 * Splits "host:port", "[ipv6]:port" or a bare host; the host must be a valid name or IP address (with [x:y] ranges
 * only when allowRanges). Returns undefined when it is not, as Ansible then keeps the text unchanged.
 */
export function parseAddress(text: string, allowRanges: boolean): Address | undefined {
  let host = text;
  let port: number | undefined;
  for (const pattern of [BRACKETED_HOST_PORT, HOST_PORT]) {
    const match = pattern.exec(host);
    if (match) {
      host = match[1];
      port = Number(match[2]);
    }
  }
  if (!ASCII_HOSTNAME.test(host) && !IPV4.test(host) && !IPV6.test(host) && !HOSTNAME.test(host)) return undefined;
  if (!allowRanges && host.includes('[')) return undefined;
  return port === undefined ? { host } : { host, port };
}
