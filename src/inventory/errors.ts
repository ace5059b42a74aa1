/** A malformed inventory, vars file or host pattern. The message starts with "FILE:LINE: " when those are known. */
export class InventoryError extends Error {
  constructor(
    readonly reason: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file === undefined ? reason : line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'InventoryError';
  }
}
