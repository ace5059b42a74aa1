import { UndefinedVariableError } from './errors.js';

/**
 * Jinja's StrictUndefined as a value: what a missing variable, key or attribute evaluates to.
 * Tests (`is defined`) and `default` accept it; any other use throws its message.
 */
export class StrictUndefined {
  constructor(
    readonly message: string,
    /** The missing name, for mandatory's "Mandatory variable 'x' not defined." */
    readonly name: string,
  ) {}

  fail(): never {
    throw new UndefinedVariableError(this.message);
  }
}

export function undefinedVariable(name: string): StrictUndefined {
  return new StrictUndefined(`'${name}' is undefined`, name);
}

export function isUndefined(value: unknown): value is StrictUndefined {
  return value instanceof StrictUndefined;
}

/** Throws if the value, or anything nested in it, is undefined. */
export function assertDefined(value: unknown): void {
  if (value instanceof StrictUndefined) value.fail();
  if (Array.isArray(value)) {
    for (const item of value) assertDefined(item);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) assertDefined(item);
  }
}
