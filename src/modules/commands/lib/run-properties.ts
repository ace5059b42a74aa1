/** The arguments command and shell share: where the command runs, when it is skipped, its input and output. */
export const RUN_PROPERTIES = {
  chdir: { type: 'string', description: 'The directory to change into before running the command.' },
  creates: { type: 'string', description: 'A path; when it already exists the command is not run.' },
  removes: { type: 'string', description: 'A path; when it does not exist the command is not run.' },
  stdin: { type: 'string', description: "Text written to the command's standard input." },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Whether a newline is appended to the stdin text.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Whether trailing empty lines are removed from stdout and stderr in the result.' },
};
