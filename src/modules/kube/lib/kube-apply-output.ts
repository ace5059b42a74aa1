/** What `kubectl apply` / `kubectl delete` did to each object (as RESOURCE/NAME), from the lines they print. */
export interface ObjectOutcomes {
  created: string[];
  configured: string[];
  unchanged: string[];
  deleted: string[];
}

type Verb = keyof ObjectOutcomes;

/** apply prints `deployment.apps/web configured`; delete prints `deployment.apps "web" deleted`. */
export function parseObjectOutcomes(stdout: string): ObjectOutcomes {
  const outcomes: ObjectOutcomes = { created: [], configured: [], unchanged: [], deleted: [] };
  for (const line of stdout.split('\n')) {
    const applied = /^(\S+\/\S+) (created|configured|unchanged)$/.exec(line.trim());
    if (applied) outcomes[applied[2] as Verb].push(applied[1]);
    const deleted = /^(\S+) "(.+)" deleted$/.exec(line.trim());
    if (deleted) outcomes.deleted.push(`${deleted[1]}/${deleted[2]}`);
  }
  return outcomes;
}
