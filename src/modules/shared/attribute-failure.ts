import { ModuleFailure } from '../contract.js';

/** The errno Python names for the messages chown and chgrp print (the OSError Ansible shows). */
const ERRNO: Record<string, number> = {
  'Operation not permitted': 1,
  'No such file or directory': 2,
  'Permission denied': 13,
  'Read-only file system': 30,
};

/**
 * A failed chown or chgrp as Ansible's basic.py reports it: `chown failed: [Errno 1] Operation not permitted:
 * b'PATH'` and `chgrp failed`, with the path; any other failure is left as it is.
 */
export function attributeFailure(error: ModuleFailure): ModuleFailure {
  const stderr = String(error.result.stderr ?? '');
  const chown = /^chown: changing ownership of '(.*)': (.*)$/m.exec(stderr);
  if (chown && ERRNO[chown[2]] !== undefined) return new ModuleFailure(`chown failed: [Errno ${ERRNO[chown[2]]}] ${chown[2]}: b'${chown[1]}'`, { path: chown[1] });
  const chgrp = /^chgrp: changing group of '(.*)': /m.exec(stderr);
  if (chgrp) return new ModuleFailure('chgrp failed', { path: chgrp[1] });
  return error;
}
