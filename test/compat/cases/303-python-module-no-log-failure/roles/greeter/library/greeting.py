#!/usr/bin/python
# A test module in a role's library/: writes a greeting file, with check mode, a diff, a warning and a
# no_log option, as a user's own module would.
from __future__ import annotations

DOCUMENTATION = r'''
module: greeting
short_description: Writes a greeting into a file
options:
  path:
    description: The file.
    type: path
    required: true
  text:
    description: The greeting (a text starting with FAIL makes the module fail).
    type: str
    default: hello
  token:
    description: A secret the module never shows.
    type: str
    no_log: true
  style:
    description: How to greet.
    type: str
    choices: [plain, loud]
    default: plain
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            text=dict(type='str', default='hello'),
            token=dict(type='str', no_log=True),
            style=dict(type='str', choices=['plain', 'loud'], default='plain'),
        ),
        supports_check_mode=True,
    )
    path = module.params['path']
    text = module.params['text']
    if text.startswith('FAIL'):
        module.fail_json(msg='cannot greet with %s' % text)
    want = (text.upper() if module.params['style'] == 'loud' else text) + '\n'
    have = ''
    if os.path.exists(path):
        with open(path) as current:
            have = current.read()
    changed = have != want
    if changed and not module.check_mode:
        with open(path, 'wb') as out:
            out.write(to_bytes(want))
    if module.params['token']:
        module.warn('a token was given')
    module.exit_json(changed=changed, path=path, greeting=want.strip(),
                     diff=dict(before=have, after=want, before_header=path, after_header=path))


if __name__ == '__main__':
    main()
