#!/usr/bin/python
# A module that does not support check mode: Ansible skips it under --check.
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(path=dict(type='path', required=True)), supports_check_mode=False)
    with open(module.params['path'], 'a') as out:
        out.write('touched\n')
    module.exit_json(changed=True)


if __name__ == '__main__':
    main()
