import { Ajv, type ErrorObject } from 'ajv';
import { KEYWORD_TABLES, keywordSchema } from './keywords.js';

/** ajv's validate function, as its standalone code has it too. */
export type KeywordValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Not checked against the meta-schema on every start (that costs more than the keyword schemas themselves); a test does it. */
export const KEYWORD_AJV_OPTIONS = { allErrors: true, strict: false, validateSchema: false };

/**
 * The keyword validators, compiled by ajv when called. The bundle (scripts/bundle.mjs) replaces
 * this file with the same validators compiled at build time (ajv's standalone code): a run loads no ajv for them.
 */
export function keywordValidators(): Record<string, KeywordValidator> {
  const ajv = new Ajv(KEYWORD_AJV_OPTIONS);
  return Object.fromEntries(Object.entries(KEYWORD_TABLES).map(([name, table]) => [name, ajv.compile(keywordSchema(table))]));
}
