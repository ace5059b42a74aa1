import type { Role } from './types.js';

/**
 * Ansible's search path of a task (Task.get_search_path): inside a role, the role's folder and those of the
 * roles that brought it in, nearest first; then the folder of the task's own file; last, as the loader's base
 * folder, the playbook's. Each entry is searched in its `files/` (or `templates/`, `vars/`, ...) folder, then
 * itself, so a role's tasks/ folder is where first_found finds the task files it names.
 */
export function taskSearchPath(role: Role | undefined, taskDir: string, playbookDir: string): string[] {
  return [...new Set([...roleFolders(role), taskDir, playbookDir])];
}

/** The folders of a role and of the roles that brought it in, nearest first. */
export function roleFolders(role: Role | undefined): string[] {
  return role ? [role.path, ...(role.parents ?? []).map((parent) => parent.path).reverse()] : [];
}
