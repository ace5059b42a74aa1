import type { KubeObject } from './k8s-object-diff.js';

type Fields = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Condition {
  type?: string;
  status?: boolean | string;
  reason?: string;
}

/** When kubernetes.core.k8s's wait is over for an object: its kind's readiness, or the status condition asked for. */
export function ready(object: KubeObject, condition?: Condition): boolean {
  const { spec = {}, status, metadata = {} } = object as Fields;
  if (condition?.type !== undefined) {
    const match = (status?.conditions ?? []).find((entry: Fields) => entry.type === condition.type);
    if (!match) return false;
    const wanted = condition.status ?? true;
    if (match.status === 'Unknown') return wanted === 'Unknown' && (condition.reason === undefined || match.reason === condition.reason);
    const asBoolean = wanted === true || String(wanted).toLowerCase() === 'true';
    return (match.status === 'True') === asBoolean && (!condition.reason || match.reason === condition.reason);
  }
  if (!status) return object.kind !== 'Deployment' && object.kind !== 'DaemonSet' && object.kind !== 'StatefulSet' && object.kind !== 'Pod';
  switch (object.kind) {
    case 'Deployment':
      return spec.replicas === (status.replicas ?? 0) && status.availableReplicas === status.replicas && status.observedGeneration === metadata.generation && !status.unavailableReplicas;
    case 'DaemonSet':
      return status.desiredNumberScheduled !== undefined && status.updatedNumberScheduled === status.desiredNumberScheduled && status.numberReady === status.desiredNumberScheduled && status.observedGeneration === metadata.generation && !status.unavailableReplicas;
    case 'StatefulSet':
      return spec.updateStrategy?.type === 'RollingUpdate' && status.observedGeneration === (metadata.generation ?? 0) && status.updateRevision === status.currentRevision && (status.updatedReplicas ?? 0) === spec.replicas && (status.readyReplicas ?? 0) === spec.replicas && status.replicas === spec.replicas;
    case 'Pod':
      return Array.isArray(status.containerStatuses) && status.containerStatuses.every((container: Fields) => container.ready);
    default:
      return true;
  }
}
