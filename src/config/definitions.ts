/** The ansible.cfg settings betif-play reads, with Ansible's names, types and defaults (lib/ansible/config/base.yml). */

export type SettingType = 'string' | 'boolean' | 'integer' | 'path' | 'pathlist' | 'pathspec' | 'list';

export interface SettingDefinition {
  /** Ansible's own name for the setting (shown in errors, as Ansible does). */
  ansibleName: string;
  type: SettingType;
  /** [section, key] pairs; when several are set, the last one listed wins, as in Ansible. */
  ini: [string, string][];
  env: string[];
  default?: string | number | boolean | string[];
  choices?: string[];
}

const defaults = (key: string): [string, string] => ['defaults', key];

export const SETTINGS = {
  inventory: { ansibleName: 'DEFAULT_HOST_LIST', type: 'pathlist', ini: [defaults('inventory')], env: ['ANSIBLE_INVENTORY'] },
  rolesPath: { ansibleName: 'DEFAULT_ROLES_PATH', type: 'pathspec', ini: [defaults('roles_path')], env: ['ANSIBLE_ROLES_PATH'] },
  localhostWarning: { ansibleName: 'LOCALHOST_WARNING', type: 'boolean', ini: [defaults('localhost_warning')], env: ['ANSIBLE_LOCALHOST_WARNING'], default: true },
  hostKeyChecking: { ansibleName: 'HOST_KEY_CHECKING', type: 'boolean', ini: [defaults('host_key_checking')], env: ['ANSIBLE_HOST_KEY_CHECKING'], default: true },
  remoteUser: { ansibleName: 'DEFAULT_REMOTE_USER', type: 'string', ini: [defaults('remote_user')], env: ['ANSIBLE_REMOTE_USER'] },
  remotePort: { ansibleName: 'DEFAULT_REMOTE_PORT', type: 'integer', ini: [defaults('remote_port')], env: ['ANSIBLE_REMOTE_PORT'] },
  privateKeyFile: { ansibleName: 'DEFAULT_PRIVATE_KEY_FILE', type: 'path', ini: [defaults('private_key_file')], env: ['ANSIBLE_PRIVATE_KEY_FILE'] },
  forks: { ansibleName: 'DEFAULT_FORKS', type: 'integer', ini: [defaults('forks')], env: ['ANSIBLE_FORKS'] },
  timeout: { ansibleName: 'DEFAULT_TIMEOUT', type: 'integer', ini: [defaults('timeout')], env: ['ANSIBLE_TIMEOUT'], default: 10 },
  transport: { ansibleName: 'DEFAULT_TRANSPORT', type: 'string', ini: [defaults('transport')], env: ['ANSIBLE_TRANSPORT'], default: 'smart' },
  gathering: { ansibleName: 'DEFAULT_GATHERING', type: 'string', ini: [defaults('gathering')], env: ['ANSIBLE_GATHERING'], default: 'implicit', choices: ['implicit', 'explicit', 'smart'] },
  gatherSubset: { ansibleName: 'DEFAULT_GATHER_SUBSET', type: 'list', ini: [defaults('gather_subset')], env: ['ANSIBLE_GATHER_SUBSET'] },
  gatherTimeout: { ansibleName: 'DEFAULT_GATHER_TIMEOUT', type: 'integer', ini: [defaults('gather_timeout')], env: ['ANSIBLE_GATHER_TIMEOUT'] },
  factPath: { ansibleName: 'DEFAULT_FACT_PATH', type: 'string', ini: [defaults('fact_path')], env: ['ANSIBLE_FACT_PATH'] },
  factCaching: { ansibleName: 'CACHE_PLUGIN', type: 'string', ini: [defaults('fact_caching')], env: ['ANSIBLE_CACHE_PLUGIN'], default: 'memory', choices: ['memory', 'jsonfile', 'ansible.builtin.memory', 'ansible.builtin.jsonfile'] },
  factCachingConnection: { ansibleName: 'CACHE_PLUGIN_CONNECTION', type: 'path', ini: [defaults('fact_caching_connection')], env: ['ANSIBLE_CACHE_PLUGIN_CONNECTION'] },
  factCachingPrefix: { ansibleName: 'CACHE_PLUGIN_PREFIX', type: 'string', ini: [defaults('fact_caching_prefix')], env: ['ANSIBLE_CACHE_PLUGIN_PREFIX'] },
  factCachingTimeout: { ansibleName: 'CACHE_PLUGIN_TIMEOUT', type: 'integer', ini: [defaults('fact_caching_timeout')], env: ['ANSIBLE_CACHE_PLUGIN_TIMEOUT'], default: 86400 },
  askPass: { ansibleName: 'DEFAULT_ASK_PASS', type: 'boolean', ini: [defaults('ask_pass')], env: ['ANSIBLE_ASK_PASS'], default: false },
  become: { ansibleName: 'DEFAULT_BECOME', type: 'boolean', ini: [['privilege_escalation', 'become']], env: ['ANSIBLE_BECOME'], default: false },
  becomeUser: { ansibleName: 'DEFAULT_BECOME_USER', type: 'string', ini: [['privilege_escalation', 'become_user']], env: ['ANSIBLE_BECOME_USER'], default: 'root' },
  becomeMethod: { ansibleName: 'DEFAULT_BECOME_METHOD', type: 'string', ini: [['privilege_escalation', 'become_method']], env: ['ANSIBLE_BECOME_METHOD'], default: 'sudo' },
  becomeAskPass: { ansibleName: 'DEFAULT_BECOME_ASK_PASS', type: 'boolean', ini: [['privilege_escalation', 'become_ask_pass']], env: ['ANSIBLE_BECOME_ASK_PASS'], default: false },
  sshArgs: { ansibleName: 'ssh_args', type: 'string', ini: [['ssh_connection', 'ssh_args']], env: ['ANSIBLE_SSH_ARGS'] },
  sshCommonArgs: { ansibleName: 'ssh_common_args', type: 'string', ini: [['ssh_connection', 'ssh_common_args']], env: ['ANSIBLE_SSH_COMMON_ARGS'] },
  sshExtraArgs: { ansibleName: 'ssh_extra_args', type: 'string', ini: [['ssh_connection', 'ssh_extra_args']], env: ['ANSIBLE_SSH_EXTRA_ARGS'] },
  pipelining: { ansibleName: 'ANSIBLE_PIPELINING', type: 'boolean', ini: [['connection', 'pipelining'], ['ssh_connection', 'pipelining']], env: ['ANSIBLE_PIPELINING', 'ANSIBLE_SSH_PIPELINING'], default: false },
  sshRetries: { ansibleName: 'reconnection_retries', type: 'integer', ini: [['ssh_connection', 'retries']], env: ['ANSIBLE_SSH_RETRIES'], default: 0 },
  controlPath: { ansibleName: 'control_path', type: 'string', ini: [['ssh_connection', 'control_path']], env: ['ANSIBLE_SSH_CONTROL_PATH'] },
  vaultPasswordFile: { ansibleName: 'DEFAULT_VAULT_PASSWORD_FILE', type: 'path', ini: [defaults('vault_password_file')], env: ['ANSIBLE_VAULT_PASSWORD_FILE'] },
  vaultIdentityList: { ansibleName: 'DEFAULT_VAULT_IDENTITY_LIST', type: 'list', ini: [defaults('vault_identity_list')], env: ['ANSIBLE_VAULT_IDENTITY_LIST'], default: [] },
  callbacksEnabled: {
    ansibleName: 'CALLBACKS_ENABLED',
    type: 'list',
    ini: [defaults('callback_whitelist'), defaults('callbacks_enabled')],
    env: ['ANSIBLE_CALLBACK_WHITELIST', 'ANSIBLE_CALLBACKS_ENABLED'],
    default: [],
  },
  stdoutCallback: { ansibleName: 'DEFAULT_STDOUT_CALLBACK', type: 'string', ini: [defaults('stdout_callback')], env: ['ANSIBLE_STDOUT_CALLBACK'], default: 'default' },
  retryFilesEnabled: { ansibleName: 'RETRY_FILES_ENABLED', type: 'boolean', ini: [defaults('retry_files_enabled')], env: ['ANSIBLE_RETRY_FILES_ENABLED'], default: false },
  retryFilesSavePath: { ansibleName: 'RETRY_FILES_SAVE_PATH', type: 'path', ini: [defaults('retry_files_save_path')], env: ['ANSIBLE_RETRY_FILES_SAVE_PATH'] },
  interpreterPython: { ansibleName: 'INTERPRETER_PYTHON', type: 'string', ini: [defaults('interpreter_python')], env: ['ANSIBLE_PYTHON_INTERPRETER'], default: 'auto' },
  logPath: { ansibleName: 'DEFAULT_LOG_PATH', type: 'path', ini: [defaults('log_path')], env: ['ANSIBLE_LOG_PATH'] },
  errorOnMissingHandler: { ansibleName: 'ERROR_ON_MISSING_HANDLER', type: 'boolean', ini: [defaults('error_on_missing_handler')], env: ['ANSIBLE_ERROR_ON_MISSING_HANDLER'], default: true },
  forceHandlers: { ansibleName: 'DEFAULT_FORCE_HANDLERS', type: 'boolean', ini: [defaults('force_handlers')], env: ['ANSIBLE_FORCE_HANDLERS'], default: false },
  strategy: { ansibleName: 'DEFAULT_STRATEGY', type: 'string', ini: [defaults('strategy')], env: ['ANSIBLE_STRATEGY'], default: 'linear', choices: ['linear', 'free', 'host_pinned'] },
  showCustomStats: { ansibleName: 'show_custom_stats', type: 'boolean', ini: [defaults('show_custom_stats')], env: ['ANSIBLE_SHOW_CUSTOM_STATS'], default: false },
  pollInterval: { ansibleName: 'DEFAULT_POLL_INTERVAL', type: 'integer', ini: [defaults('poll_interval')], env: ['ANSIBLE_POLL_INTERVAL'], default: 15 },
  taskTimeout: { ansibleName: 'TASK_TIMEOUT', type: 'integer', ini: [defaults('task_timeout')], env: ['ANSIBLE_TASK_TIMEOUT'], default: 0 },
  anyErrorsFatal: { ansibleName: 'ANY_ERRORS_FATAL', type: 'boolean', ini: [defaults('any_errors_fatal')], env: ['ANSIBLE_ANY_ERRORS_FATAL'], default: false },
  displaySkippedHosts: { ansibleName: 'display_skipped_hosts', type: 'boolean', ini: [defaults('display_skipped_hosts')], env: ['ANSIBLE_DISPLAY_SKIPPED_HOSTS'], default: true },
  displayOkHosts: { ansibleName: 'display_ok_hosts', type: 'boolean', ini: [defaults('display_ok_hosts')], env: ['ANSIBLE_DISPLAY_OK_HOSTS'], default: true },
  library: { ansibleName: 'DEFAULT_MODULE_PATH', type: 'pathspec', ini: [defaults('library')], env: ['ANSIBLE_LIBRARY'], default: [] },
  collectionsPaths: {
    ansibleName: 'COLLECTIONS_PATHS',
    type: 'pathspec',
    ini: [defaults('collections_paths'), defaults('collections_path')],
    env: ['ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_COLLECTIONS_PATH'],
    default: ['~/.ansible/collections', '/usr/share/ansible/collections'],
  },
} satisfies Record<string, SettingDefinition>;

export type SettingName = keyof typeof SETTINGS;
