/** A templating failure with the message an Ansible user would see, e.g. "'foo' is undefined". */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** The use of an undefined variable, key or attribute (Ansible's AnsibleUndefinedVariable). */
export class UndefinedVariableError extends TemplateError {}

/** nunjucks prefixes messages with "(path) [Line 1, Column 4]\n  "; the user wants the reason only. */
function reason(message: string): string {
  return message.replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '').replace(/^(?:Template render error|Error): /, '');
}

/** Turns whatever a render threw into a TemplateError, keeping ours (possibly wrapped by nunjucks) as they are. */
export function asTemplateError(error: unknown, source: string): TemplateError {
  for (let cause: unknown = error; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof TemplateError) return cause;
  }
  let message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  if (cause instanceof Error) message = cause.message;
  return new TemplateError(`template error while templating string: ${reason(message)}. String: ${source}`);
}

/** Collections whose plugins betif-play has: a name in any other collection is one Ansible would not find installed. */
const OWN_COLLECTIONS = new Set(['ansible.builtin', 'ansible.legacy']);

/**
 * A filter or test named at run time (`select('name')`, `map('name')`) that does not exist: Ansible's plugin
 * loader refuses it with a TemplateSyntaxError whose text says why the name was not loaded.
 */
export class PluginLoadError extends TemplateError {
  constructor(name: string) {
    const fqcn = name.includes('.') ? name : `ansible.builtin.${name}`;
    const collection = fqcn.split('.').slice(0, 2).join('.');
    let why = `'${name}'`;
    if (!/^\w+(\.\w+){2,}$/u.test(fqcn)) why = `'invalid plugin name: ${fqcn}'`;
    else if (!OWN_COLLECTIONS.has(collection)) why = `'Invalid plugin FQCN (${fqcn}): unable to locate collection ${collection}'`;
    super(`Could not load "${name}": ${why}`);
  }
}

/** A templating failure as Ansible's template action words it: the exception's type, then its text. */
export function ansibleErrorText(error: TemplateError): string {
  if (error instanceof UndefinedVariableError) return `AnsibleUndefinedVariable: ${error.message}. ${error.message}`;
  // jinja2's TemplateSyntaxError names its line, which the plugin loader gives as 0.
  if (error instanceof PluginLoadError) return `TemplateSyntaxError: ${error.message}\n  line 0`;
  return `AnsibleError: ${error.message}`;
}
