/** nunjucks' names for Jinja's block/variable/comment start and end strings. */
export interface Tags {
  blockStart?: string;
  blockEnd?: string;
  variableStart?: string;
  variableEnd?: string;
  commentStart?: string;
  commentEnd?: string;
}

/** How the template module renders a file: its own variables, folders and Jinja settings. */
export interface TextOptions {
  /** Variables only this template sees (template_path, ansible_managed ...). */
  vars?: Record<string, unknown>;
  /** Folders for {% include %} and {% import %} after the search path (the template's own folder). */
  includePaths?: string[];
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  tags?: Tags;
  /** The newline every line of the template ends with: "\n" (default), "\r" or "\r\n" (a `#jinja2:` line may set it). */
  newlineSequence?: string;
}
