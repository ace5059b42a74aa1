/** Why a skipped meta task did nothing, after "ACTION conditional evaluated to False" (Ansible's words). */
const SKIPPED_SUFFIX: Record<string, (host: string) => string> = {
  flush_handlers: (host) => `, not running handlers for ${host}`,
  clear_facts: (host) => `, not clearing facts and fact cache for ${host}`,
  clear_host_errors: (host) => `, not clearing host error state for ${host}`,
  end_batch: () => ', continuing current batch',
  end_play: () => ', continuing play',
  end_host: (host) => `, continuing execution for ${host}`,
};

const DONE: Record<string, (host: string) => string> = {
  noop: () => 'noop',
  flush_handlers: (host) => `triggered running handlers for ${host}`,
  refresh_inventory: () => 'inventory successfully refreshed',
  clear_facts: () => 'facts cleared',
  clear_host_errors: () => 'cleared host errors',
  end_batch: () => 'ending batch',
  end_play: () => 'ending play',
  end_host: (host) => `ending play for ${host}`,
  reset_connection: () => 'reset connection',
};

/** What ansible-core 2.14 says of a meta task at -vv ("META: ..."): what it did for the host, or why it did not. */
export function metaMessage(action: string, host: string, acted: boolean): string {
  if (acted) return DONE[action]?.(host) ?? action;
  return `${action} conditional evaluated to False${SKIPPED_SUFFIX[action]?.(host) ?? ''}`;
}

/** A skipped meta task's result as Ansible's has it (shown from -v): its msg is the action, but end_host's. */
export function skippedMetaResult(action: string, host: string): Record<string, unknown> {
  const reason = metaMessage(action, host, false);
  const msg = action === 'end_host' ? `end_host conditional evaluated to false, continuing execution for ${host}` : action;
  return { msg, skipped: true, skip_reason: reason };
}
