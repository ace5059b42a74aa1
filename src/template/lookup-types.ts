export type Keywords = Record<string, unknown>;

export interface LookupContext {
  /** The folder first_found looks in: `files`, or `templates`/`vars` for a with_first_found on those actions. */
  subdir: string;
}

/** A lookup plugin: terms and keyword options in, a list out (lookup() joins it, query() keeps it). */
export type Lookup = (terms: unknown[], options: Keywords, context: LookupContext) => unknown[];
