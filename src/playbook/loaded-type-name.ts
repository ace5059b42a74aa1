/** The Python class Ansible's YAML loader makes of a value, as Ansible's messages name it (`<class 'int'>`). */
export function loadedTypeName(value: unknown): string {
  if (Array.isArray(value)) return "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>";
  if (typeof value === 'string') return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (value === null || value === undefined) return "<class 'NoneType'>";
  return "<class 'ansible.parsing.yaml.objects.AnsibleMapping'>";
}
