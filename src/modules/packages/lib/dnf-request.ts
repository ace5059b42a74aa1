import type { DnfSetup } from './dnf-command.js';
import type { DnfSpec } from './dnf-spec.js';

/** What one dnf task asks for, with Ansible's state synonyms folded (installed -> present, removed -> absent). */
export interface DnfRequest {
  specs: DnfSpec[];
  state: 'present' | 'latest' | 'absent';
  security: boolean;
  updateCache: boolean;
  setup: DnfSetup;
}
