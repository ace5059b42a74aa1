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
