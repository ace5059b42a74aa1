/** Python codec names Node can both decode and encode, by their normalized spelling. */
const CODECS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8', utf8: 'utf8', 'latin-1': 'latin1', latin1: 'latin1', 'iso-8859-1': 'latin1', 'iso8859-1': 'latin1', ascii: 'ascii', 'utf-16-le': 'utf16le', 'utf-16le': 'utf16le',
};

/** Node's name for a Python codec name ('UTF_8', 'iso8859-1' ...), undefined for one it does not have. */
export function bufferEncoding(codec: string): BufferEncoding | undefined {
  return CODECS[codec.toLowerCase().replace(/_/g, '-')];
}
