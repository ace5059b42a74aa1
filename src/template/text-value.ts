import { pythonLiteralOrText } from '../python/literal.js';

/**
 * ansible-core 2.14 (jinja2_native off) renders every template to text, then reads text that looks like a
 * list, a dict or a bool back as one (ast.literal_eval); only `{{ name }}` alone returns the variable itself.
 */
export function textToValue(text: string): unknown {
  return text.startsWith('[') || text.startsWith('{') || text === 'True' || text === 'False' ? pythonLiteralOrText(text, { jsonNames: true }) : text;
}
