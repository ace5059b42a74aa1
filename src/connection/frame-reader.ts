/** Finds a marker in a byte stream that arrives in chunks, keeping what came before it. */
class MarkerSearch {
  private chunks: Buffer[] = [];
  private tail = Buffer.alloc(0);

  constructor(private readonly marker: Buffer) {}

  /** Feeds a chunk; once the marker is seen, returns the bytes before it and the bytes after it. */
  feed(chunk: Buffer): { before: Buffer; after: Buffer } | undefined {
    const window = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    const at = window.indexOf(this.marker);
    if (at < 0) {
      this.chunks.push(chunk);
      this.tail = Buffer.from(window.subarray(Math.max(0, window.length - (this.marker.length - 1))));
      return undefined;
    }
    // The tail's bytes are already in chunks: the marker may start inside them.
    const endInChunk = at - this.tail.length;
    const earlier = Buffer.concat(this.chunks);
    const before = endInChunk >= 0 ? Buffer.concat([earlier, chunk.subarray(0, endInChunk)]) : earlier.subarray(0, earlier.length + endInChunk);
    this.chunks = [];
    this.tail = Buffer.alloc(0);
    return { before, after: window.subarray(at + this.marker.length) };
  }
}

/**
 * One of a command's two output streams in the driver's framing: bytes up to START are dropped,
 * bytes up to END are the command's output, and on stdout END is followed by the exit code and a
 * newline (`trailer`).
 */
export class FrameReader {
  private phase: 'start' | 'body' | 'trailer' | 'done' = 'start';
  private readonly start: MarkerSearch;
  private readonly end: MarkerSearch;
  private trailerBytes = '';
  body: Buffer = Buffer.alloc(0);
  trailer = '';

  constructor(token: string, private readonly withTrailer: boolean) {
    this.start = new MarkerSearch(Buffer.from(`${token}a\n`));
    this.end = new MarkerSearch(Buffer.from(withTrailer ? `${token}z` : `${token}z\n`));
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Feeds a chunk of the stream; true once the frame is complete. */
  feed(chunk: Buffer): boolean {
    let rest: Buffer | undefined = chunk;
    while (rest && rest.length > 0 && this.phase !== 'done') {
      if (this.phase === 'start') {
        const found = this.start.feed(rest);
        rest = found?.after;
        if (found) this.phase = 'body';
      } else if (this.phase === 'body') {
        const found = this.end.feed(rest);
        rest = found?.after;
        if (found) {
          this.body = found.before;
          this.phase = this.withTrailer ? 'trailer' : 'done';
        }
      } else {
        const text = rest.toString('latin1');
        const newline = text.indexOf('\n');
        this.trailerBytes += newline < 0 ? text : text.slice(0, newline);
        rest = undefined;
        if (newline >= 0) {
          this.trailer = this.trailerBytes;
          this.phase = 'done';
        }
      }
    }
    return this.phase === 'done';
  }
}
