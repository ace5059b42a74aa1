import type { ScalarTag, Tags } from 'yaml';
import { StrictUndefined } from '../template/undefined.js';
import { UnsafeText } from '../template/unsafe.js';
import { decryptSecret } from '../vault/active.js';
import { VaultError } from '../vault/keyring.js';

// PyYAML, which Ansible uses, knows fewer YAML 1.1 spellings than the spec: no y/n booleans, no "09" integers, no
// exponent without a dot and a signed power, no float without a digit, and no timestamps (dates stay text).
const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const PYYAML_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const PYYAML_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
const PYYAML_EXPONENT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/;

function pyyamlTest(tag: ScalarTag): RegExp | undefined {
  switch (tag.tag) {
    case 'tag:yaml.org,2002:bool':
      return tag.test?.test('true') ? PYYAML_TRUE : PYYAML_FALSE;
    case 'tag:yaml.org,2002:int':
      return tag.format === undefined ? PYYAML_DECIMAL : undefined;
    case 'tag:yaml.org,2002:float':
      if (tag.format === 'EXP') return PYYAML_EXPONENT;
      // A float needs a digit: `.` and `-.` stay text (output_dir: .).
      return tag.format === undefined && tag.test?.test('1.5') ? PYYAML_FLOAT : undefined;
  }
  return undefined;
}

/**
 * Ansible's `!vault |` scalar, decrypted with the run's vault passwords and from then on a secret masked in all
 * output. A value that cannot be decrypted (no or wrong password) fails only where it is used, as in Ansible.
 */
const VAULT_TAG: ScalarTag = {
  tag: '!vault',
  identify: () => false,
  resolve: (text) => {
    try {
      return decryptSecret(text, 'an inline !vault value');
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      return new StrictUndefined(error.message, '');
    }
  },
};

/** Ansible's `!unsafe` text, never templated. (On a list or mapping the reader marks the whole of it unsafe.) */
const UNSAFE_TAG: ScalarTag = {
  tag: '!unsafe',
  identify: () => false,
  resolve: (text) => new UnsafeText(text),
};

/** YAML 1.1 tags narrowed to the spellings PyYAML (and so Ansible) accepts, plus `!vault` and `!unsafe`: pass as `customTags` with version '1.1'. */
export function pyyamlTags(tags: Tags): Tags {
  return [...tags, VAULT_TAG, UNSAFE_TAG]
    .filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp')
    .map((tag) => {
      if (typeof tag === 'string' || tag.collection) return tag;
      const test = pyyamlTest(tag as ScalarTag);
      return test ? { ...tag, test } : tag;
    });
}


/** Options for the `yaml` package that read YAML as Ansible (PyYAML) does. */
export const ANSIBLE_YAML = { version: '1.1', customTags: pyyamlTags } as const;
