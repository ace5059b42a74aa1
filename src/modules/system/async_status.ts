import { defineModule, ModuleFailure, type AsyncJob } from '../contract.js';
import { asyncJobStatus, asyncStatusBase } from '../shared/async-job.js';

interface AsyncStatusArgs {
  jid: string;
  mode: 'status' | 'cleanup';
}

/** The state of a job the run started in the background (a task with `async` and `poll: 0`), or its removal. */
export default defineModule<AsyncStatusArgs, AsyncJob | undefined>({
  name: 'async_status',
  examples: `
- name: Start a long download in the background
  ansible.builtin.command: /usr/local/bin/fetch-images
  async: 600
  poll: 0
  register: download

- name: Wait for it
  ansible.builtin.async_status:
    jid: "{{ download.ansible_job_id }}"
  register: job
  until: job.finished
  retries: 60
  delay: 10
`,
  returns: {
    ansible_job_id: { type: 'str', returned: 'success', description: 'The job id.', sample: 'j360515254604.5816' },
    started: { type: 'int', returned: 'success', description: '1 once the job started.', sample: 1 },
    finished: { type: 'int', returned: 'success', description: '1 once the job ended (its module result is merged in), else 0.', sample: 0 },
    results_file: { type: 'str', returned: 'status', description: 'Where Ansible keeps the job result on the host (betif-play keeps it on the controller).', sample: '~/.ansible_async/j360515254604.5816' },
    erased: { type: 'str', returned: 'cleanup', description: 'The job result that was removed.', sample: '~/.ansible_async/j360515254604.5816' },
  },
  controllerOnly: true,
  noAsync: true,
  readOnly: true,
  schema: {
    description: 'Reports the state of a job started with async and poll: 0 (finished: 1 and its result once it ended), or removes it.',
    type: 'object',
    additionalProperties: false,
    required: ['jid'],
    properties: {
      jid: { type: 'string', description: 'The job id the background task registered (ansible_job_id).' },
      mode: { type: 'string', enum: ['status', 'cleanup'], default: 'status', description: 'status reports the job; cleanup forgets its result.' },
    },
  },
  // A cleanup takes the job's result away as it reads it (there is nothing else to change).
  read: async (ctx, args) => {
    const job = ctx.asyncJobs?.get(args.jid);
    if (args.mode === 'cleanup' && !ctx.check && job?.host === ctx.host) ctx.asyncJobs?.delete(args.jid);
    return job;
  },
  plan: (args, job, ctx) => {
    // As Ansible's async_status module, which does not support check mode.
    if (ctx.check) return { changed: false, skip: 'remote module (async_status) does not support check mode' };
    if (!job || job.host !== ctx.host) throw new ModuleFailure('could not find job', { ...asyncStatusBase(args.jid, 1), finished: 1 });
    if (args.mode === 'cleanup') return { changed: false, result: { ...asyncStatusBase(args.jid, 0), erased: job.resultsFile } };
    const status = asyncJobStatus(args.jid, job);
    return { changed: status.changed === true, result: status };
  },
});
