import { closest, distance } from 'fastest-levenshtein';
import { isTemplateText } from '../modules/args.js';
import { keywordValidators, type KeywordValidator } from './keyword-validators.js';
import { KEYWORD_TABLES } from './keywords.js';
import { badKeywordValue } from './keyword-values.js';
import { keyPositionOf, PlaybookError, positionOf } from './source.js';

let validators: Map<object, KeywordValidator> | undefined;

/** The validator of a keyword table (made on first use: a run that reads no playbook needs none). */
function validatorOf(keywords: Record<string, object>): KeywordValidator {
  if (!validators) {
    const compiled = keywordValidators();
    validators = new Map(Object.entries(KEYWORD_TABLES).map(([name, table]) => [table, compiled[name]]));
  }
  const validate = validators.get(keywords);
  if (!validate) throw new Error('no validator for this keyword table (see KEYWORD_TABLES)');
  return validate;
}

/** A close match among `candidates`, for "did you mean"; none when nothing is near. */
export function suggestion(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const nearest = distance(word, closest(word, [...candidates]));
  if (nearest > Math.max(2, Math.floor(word.length / 3))) return undefined;
  const tied = candidates.filter((candidate) => distance(word, candidate) === nearest);
  return tied.find((candidate) => containsLetters(candidate, word)) ?? tied[0];
}

/** Whether every letter of `word` appears in `candidate` (a missing letter beats a changed one: taks -> tasks). */
function containsLetters(candidate: string, word: string): boolean {
  const letters = [...candidate];
  return [...word].every((letter) => {
    const index = letters.indexOf(letter);
    if (index < 0) return false;
    letters.splice(index, 1);
    return true;
  });
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = suggestion(word, candidates);
  return best ? ` (did you mean '${best}'?)` : '';
}

/** Checks the types of the known keywords of a play, block or task (unknown keys are the caller's business). */
export function checkKeywordTypes(map: Record<string, unknown>, keywords: Record<string, object>, what: string): void {
  const validate = validatorOf(keywords);
  // A templated value ("{{ x }}") has its type and range once rendered.
  const known = Object.fromEntries(Object.entries(map).filter(([key, value]) => key in keywords && !isTemplateText(value)));
  if (validate(known)) {
    const bad = badKeywordValue(known);
    if (!bad) return;
    const where = bad.inner ? keyPositionOf(map[bad.key] as object, bad.inner) : keyPositionOf(map, bad.key);
    throw new PlaybookError(`the ${what} keyword '${bad.inner ? `${bad.key}.${bad.inner}` : bad.key}' ${bad.reason}`, where);
  }
  const [error] = validate.errors ?? [];
  const key = error.instancePath.split('/')[1] ?? '';
  if (key === 'register') throw new PlaybookError(`Invalid variable name in 'register' specified: '${String(known.register)}'`, keyPositionOf(map, key));
  const detail = error.keyword === 'enum' ? `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}` : (error.message ?? 'is invalid');
  throw new PlaybookError(`the ${what} keyword '${key}' ${detail}`, key ? keyPositionOf(map, key) : positionOf(map));
}
