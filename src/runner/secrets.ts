const MASK = '********';
const MIN_SECRET_LENGTH = 4;

/** Secret values seen during the run; every output and log masks them wherever they appear. */
export class Secrets {
  private readonly values = new Set<string>();

  /** Adds every string inside a value (a token, or a mapping holding secrets). */
  add(value: unknown): void {
    if (typeof value === 'string') {
      for (const candidate of [value, value.trim()]) if (candidate.length >= MIN_SECRET_LENGTH) this.values.add(candidate);
    } else if (Array.isArray(value)) {
      value.forEach((item) => this.add(item));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach((item) => this.add(item));
    }
  }

  get size(): number {
    return this.values.size;
  }

  maskText(text: string): string {
    let masked = text;
    for (const secret of [...this.values].sort((a, b) => b.length - a.length)) masked = masked.split(secret).join(MASK);
    return masked;
  }

  /** Whether a secret string appears anywhere in the value. */
  holds(value: unknown): boolean {
    if (this.values.size === 0) return false;
    if (typeof value === 'string') return [...this.values].some((secret) => value.includes(secret));
    if (Array.isArray(value)) return value.some((item) => this.holds(item));
    if (value && typeof value === 'object') return Object.values(value).some((item) => this.holds(item));
    return false;
  }

  /** A copy of the value with every secret string masked. */
  mask<T>(value: T): T {
    if (this.values.size === 0) return value;
    if (typeof value === 'string') return this.maskText(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.mask(item)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.mask(item)])) as T;
    }
    return value;
  }
}
