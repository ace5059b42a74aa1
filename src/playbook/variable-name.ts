/** Python's keywords (keyword.kwlist of Python 3.11): Ansible's isidentifier refuses them as variable names. */
export const PYTHON_KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
];

/** A variable name as Ansible's utils.vars.isidentifier has it: an ASCII Python identifier that is not a keyword. */
export const VARIABLE_NAME_SCHEMA = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', not: { enum: PYTHON_KEYWORDS } };
