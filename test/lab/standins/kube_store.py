# The object store shared by the kubectl and Kubernetes API server stand-ins: what an API server keeps, as JSON
# files under KUBECTL_STANDIN_STATE (default /var/lib/kubectl-standin):
# objects/RESOURCE/NAMESPACE/NAME.json, RESOURCE being kind.group (deployment.apps) and NAMESPACE _cluster for
# cluster-scoped objects. Writes go through admit(), which does what the API server and its controllers would:
# fills in uid, creationTimestamp, resourceVersion and generation, defaults a few fields, keeps status, turns a
# Secret's stringData into data, and writes nothing when nothing changes. KUBECTL_STANDIN_NOW (an ISO time) fixes
# the clock, so that two runs write the same files.
import copy
import json
import os
import re

STATE = os.environ.get('KUBECTL_STANDIN_STATE') or '/var/lib/kubectl-standin'
OBJECTS = os.path.join(STATE, 'objects')
BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease']
LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
DNS_SUBDOMAIN = r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
SERVER_METADATA = ('uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink')

# group -> (version, {Kind: namespaced})
BUILT_IN = {
    '': ('v1', {'Namespace': False, 'Node': False, 'PersistentVolume': False, 'ConfigMap': True, 'Secret': True, 'Service': True,
                'ServiceAccount': True, 'Pod': True, 'PersistentVolumeClaim': True, 'Endpoints': True, 'LimitRange': True,
                'ResourceQuota': True, 'Event': True}),
    'apps': ('v1', {'Deployment': True, 'StatefulSet': True, 'DaemonSet': True, 'ReplicaSet': True}),
    'batch': ('v1', {'Job': True, 'CronJob': True}),
    'autoscaling': ('v2', {'HorizontalPodAutoscaler': True}),
    'policy': ('v1', {'PodDisruptionBudget': True}),
    'coordination.k8s.io': ('v1', {'Lease': True}),
    'networking.k8s.io': ('v1', {'Ingress': True, 'NetworkPolicy': True, 'IngressClass': False}),
    'rbac.authorization.k8s.io': ('v1', {'Role': True, 'RoleBinding': True, 'ClusterRole': False, 'ClusterRoleBinding': False}),
    'apiextensions.k8s.io': ('v1', {'CustomResourceDefinition': False}),
    'apiregistration.k8s.io': ('v1', {'APIService': False}),
    'admissionregistration.k8s.io': ('v1', {'MutatingWebhookConfiguration': False, 'ValidatingWebhookConfiguration': False}),
    'storage.k8s.io': ('v1', {'StorageClass': False, 'CSIDriver': False}),
    'scheduling.k8s.io': ('v1', {'PriorityClass': False}),
}
SHORT_NAMES = {'Namespace': ['ns'], 'ConfigMap': ['cm'], 'Service': ['svc'], 'ServiceAccount': ['sa'], 'Pod': ['po'],
               'PersistentVolumeClaim': ['pvc'], 'PersistentVolume': ['pv'], 'Deployment': ['deploy'], 'StatefulSet': ['sts'],
               'DaemonSet': ['ds'], 'ReplicaSet': ['rs'], 'CustomResourceDefinition': ['crd', 'crds'], 'StorageClass': ['sc'],
               'Ingress': ['ing'], 'Node': ['no'], 'Endpoints': ['ep'], 'Event': ['ev'], 'CronJob': ['cj'],
               'HorizontalPodAutoscaler': ['hpa'], 'PodDisruptionBudget': ['pdb'], 'NetworkPolicy': ['netpol'],
               'PriorityClass': ['pc'], 'LimitRange': ['limits'], 'ResourceQuota': ['quota']}
# Kinds whose objects carry metadata.generation (bumped when anything but metadata and status changes).
GENERATION_GROUPS = {'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'apiextensions.k8s.io'}
WORKLOADS = {'Deployment', 'StatefulSet', 'ReplicaSet'}


class ApiError(Exception):
    """What the API server answers instead of an object: an HTTP code, a reason and a message (a Status)."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self):
        body = {'kind': 'Status', 'apiVersion': 'v1', 'metadata': {}, 'status': 'Failure', 'message': self.message, 'reason': self.reason}
        if self.details:
            body['details'] = self.details
        body['code'] = self.code
        return body


def not_found(plural, name, group=''):
    resource = f'{plural}.{group}' if group else plural
    return ApiError(404, 'NotFound', f'{resource} "{name}" not found', {'name': name, **({'group': group} if group else {}), 'kind': plural})


def now():
    fixed = os.environ.get('KUBECTL_STANDIN_NOW')
    if fixed:
        return fixed
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def plural_of(kind):
    lower = kind.lower()
    if lower == 'endpoints':
        return lower
    if re.search(r'(s|x|ch|sh)$', lower):
        return lower + 'es'
    if re.search(r'[^aeiou]y$', lower):
        return lower[:-1] + 'ies'
    return lower + 's'


# ---------- files ----------
def read_json(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + '.tmp', 'w', encoding='utf-8') as handle:
        json.dump(value, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write('\n')
    os.replace(path + '.tmp', path)


def canonical_json(value):
    """Compact, keys sorted: how kubectl writes its last-applied-configuration (it adds a newline)."""
    return json.dumps(value, separators=(',', ':'), sort_keys=True, ensure_ascii=False)


# ---------- kinds ----------
class Mapping:
    def __init__(self, group, version, kind, namespaced, plural, short_names=(), crd=False):
        self.group, self.version, self.kind, self.namespaced, self.plural = group, version, kind, namespaced, plural
        self.short_names = list(short_names)
        self.crd = crd
        self.resource = kind.lower() + (f'.{group}' if group else '')

    @property
    def api_version(self):
        return f'{self.group}/{self.version}' if self.group else self.version


def stored_crds():
    folder = os.path.join(OBJECTS, 'customresourcedefinition.apiextensions.k8s.io', '_cluster')
    return [read_json(os.path.join(folder, name)) for name in sorted(os.listdir(folder))] if os.path.isdir(folder) else []


def all_mappings():
    mappings = [Mapping(group, version, kind, namespaced, plural_of(kind), SHORT_NAMES.get(kind, ()))
                for group, (version, kinds) in BUILT_IN.items() for kind, namespaced in kinds.items()]
    for crd in stored_crds():
        spec = crd.get('spec', {})
        names = spec.get('names', {})
        for version in spec.get('versions', []):
            if version.get('served', True):
                mappings.append(Mapping(spec.get('group', ''), version['name'], names.get('kind', ''), spec.get('scope') != 'Cluster',
                                        names.get('plural') or plural_of(names.get('kind', '')), names.get('shortNames', []), crd=True))
    return mappings


def split_api_version(api_version):
    return api_version.split('/', 1) if '/' in api_version else ('', api_version)


def mapping_of(api_version, kind):
    group, version = split_api_version(api_version or '')
    return next((m for m in all_mappings() if m.group == group and m.version == version and m.kind == kind), None)


def mapping_by_plural(group, version, plural):
    return next((m for m in all_mappings() if m.group == group and m.version == version and m.plural == plural), None)


def mapping_by_type(word):
    """A kubectl TYPE: kind, plural or short name, optionally .group or .version.group (deployment.v1.apps)."""
    lower = word.lower()
    for mapping in all_mappings():
        for name in [mapping.kind.lower(), mapping.plural, *mapping.short_names]:
            if lower in (name, f'{name}.{mapping.group}', f'{name}.{mapping.version}.{mapping.group}') if mapping.group else lower == name:
                return mapping
    return None


def has_generation(mapping):
    return mapping.crd or mapping.group in GENERATION_GROUPS


# ---------- objects ----------
def object_file(mapping, namespace, name):
    return os.path.join(OBJECTS, mapping.resource, namespace if mapping.namespaced else '_cluster', f'{name}.json')


def namespace_exists(name):
    return name in BUILT_IN_NAMESPACES or os.path.exists(os.path.join(OBJECTS, 'namespace', '_cluster', f'{name}.json'))


def read(mapping, namespace, name):
    path = object_file(mapping, namespace, name)
    return read_json(path) if os.path.exists(path) else None


def get(mapping, namespace, name):
    live = read(mapping, namespace, name)
    if live is None:
        raise not_found(mapping.plural, name, mapping.group)
    return live


def list_objects(mapping, namespace=None):
    """Objects of one resource in a namespace, or in all (namespace None), by namespace and name."""
    folder = os.path.join(OBJECTS, mapping.resource)
    if not os.path.isdir(folder):
        return []
    scopes = ['_cluster'] if not mapping.namespaced else [namespace] if namespace else sorted(os.listdir(folder))
    return [read_json(os.path.join(folder, scope, name)) for scope in scopes if os.path.isdir(os.path.join(folder, scope))
            for name in sorted(os.listdir(os.path.join(folder, scope))) if name.endswith('.json')]


def check_namespace(mapping, namespace):
    if mapping.namespaced and not namespace_exists(namespace):
        raise ApiError(404, 'NotFound', f'namespaces "{namespace}" not found', {'name': namespace, 'kind': 'namespaces'})


def validate_name(mapping, name):
    if not name:
        raise ApiError(422, 'Invalid', f'{mapping.kind} "" is invalid: metadata.name: Required value: name or generateName is required',
                       {'kind': mapping.kind, 'causes': [{'reason': 'FieldValueRequired', 'message': 'Required value: name or generateName is required', 'field': 'metadata.name'}]})
    if not re.match(DNS_SUBDOMAIN, name):
        raise ApiError(422, 'Invalid', f'{mapping.kind} "{name}" is invalid: metadata.name: Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'{DNS_SUBDOMAIN[1:-1]}\')',
                       {'name': name, **({'group': mapping.group} if mapping.group else {}), 'kind': mapping.kind})


def _controller_status(mapping, obj, live):
    """What the controllers would report once settled: workloads ready, namespaces active, other status kept."""
    if mapping.kind == 'Namespace':
        return {'phase': 'Active'}
    if mapping.kind in WORKLOADS and not mapping.group == '':
        replicas = obj.get('spec', {}).get('replicas', 1)
        status = {'observedGeneration': obj['metadata'].get('generation', 1), 'replicas': replicas}
        if replicas:
            status.update({'readyReplicas': replicas, 'availableReplicas': replicas, 'updatedReplicas': replicas})
        if mapping.kind == 'Deployment':
            status['conditions'] = [{'type': 'Available', 'status': 'True', 'reason': 'MinimumReplicasAvailable', 'message': 'Deployment has minimum availability.'}]
        return status
    return (live or {}).get('status', obj.get('status'))


def admit(mapping, desired, live):
    """The object as the API server would store it when `desired` is written over `live` (None: a new object)."""
    obj = copy.deepcopy(desired)
    obj['apiVersion'] = mapping.api_version
    obj['kind'] = mapping.kind
    metadata = obj.setdefault('metadata', {})
    for key in SERVER_METADATA:
        metadata.pop(key, None)
    if not mapping.namespaced:
        metadata.pop('namespace', None)
    if mapping.kind == 'Secret' and 'stringData' in obj:
        import base64  # imported where needed, as uuid below: each import lengthens every start of the stand-ins

        data = obj.setdefault('data', {})
        for key, value in (obj.pop('stringData') or {}).items():
            data[key] = base64.b64encode(str(value).encode()).decode()
    if mapping.kind == 'Namespace':
        metadata.setdefault('labels', {})['kubernetes.io/metadata.name'] = metadata['name']
        obj.setdefault('spec', {}).setdefault('finalizers', ['kubernetes'])
    if mapping.kind in WORKLOADS and mapping.group == 'apps':
        obj.setdefault('spec', {}).setdefault('replicas', 1)
    created = live['metadata']['creationTimestamp'] if live else now()
    metadata['creationTimestamp'] = created
    if live:
        metadata['uid'] = live['metadata']['uid']
    else:
        import uuid

        metadata['uid'] = str(uuid.uuid5(uuid.NAMESPACE_URL, f'{mapping.resource}/{metadata.get("namespace", "")}/{metadata["name"]}@{created}'))
    if has_generation(mapping):
        spec_of = lambda value: {key: item for key, item in (value or {}).items() if key not in ('metadata', 'status')}
        generation = live['metadata'].get('generation', 1) if live else 1
        metadata['generation'] = generation + 1 if live and spec_of(live) != spec_of(obj) else generation
    status = _controller_status(mapping, obj, live)
    obj.pop('status', None)
    if status is not None:
        obj['status'] = status
    metadata['resourceVersion'] = live['metadata'].get('resourceVersion', '1') if live else '1'
    if live and _without_version(live) == _without_version(obj):
        return live
    if live:
        metadata['resourceVersion'] = str(int(live['metadata'].get('resourceVersion', '0')) + 1)
    return obj


def _without_version(obj):
    plain = copy.deepcopy(obj)
    plain.get('metadata', {}).pop('resourceVersion', None)
    return plain


def save(mapping, namespace, name, obj, dry_run=False):
    """Writes an admitted object (unless a dry run or unchanged) and returns it."""
    if not dry_run:
        path = object_file(mapping, namespace, name)
        if not os.path.exists(path) or read_json(path) != obj:
            write_json(path, obj)
    return obj


def create(mapping, namespace, desired, dry_run=False):
    name = desired.get('metadata', {}).get('name')
    validate_name(mapping, name)
    check_namespace(mapping, namespace)
    if read(mapping, namespace, name) is not None:
        raise ApiError(409, 'AlreadyExists', f'{mapping.plural}{"." + mapping.group if mapping.group else ""} "{name}" already exists',
                       {'name': name, **({'group': mapping.group} if mapping.group else {}), 'kind': mapping.plural})
    desired = copy.deepcopy(desired)
    if mapping.namespaced:
        desired.setdefault('metadata', {})['namespace'] = namespace
    return save(mapping, namespace, name, admit(mapping, desired, None), dry_run)


def delete(mapping, namespace, name, dry_run=False):
    """Removes the object; what was inside a deleted namespace goes with it, as the namespace controller does."""
    live = get(mapping, namespace, name)
    if dry_run:
        return live
    os.remove(object_file(mapping, namespace, name))
    if mapping.kind == 'Namespace' and os.path.isdir(OBJECTS):
        import shutil
        for resource in os.listdir(OBJECTS):
            shutil.rmtree(os.path.join(OBJECTS, resource, name), ignore_errors=True)
    return live


# ---------- patches ----------
# The keys by which strategic merge patches merge lists of objects (from the Kubernetes API's patchMergeKey tags).
MERGE_KEYS = {'containers': 'name', 'initContainers': 'name', 'ephemeralContainers': 'name', 'volumes': 'name', 'env': 'name',
              'volumeMounts': 'mountPath', 'volumeDevices': 'devicePath', 'imagePullSecrets': 'name', 'conditions': 'type',
              'secrets': 'name', 'webhooks': 'name', 'tolerations': None, 'hostAliases': 'ip'}


def merge_maps(target, patch, merge_value):
    """A patch mapping onto a target: null removes a key, other values merge by merge_value(old, new, key)."""
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_value(result.get(key), value, key)
    return result


def merge_patch(target, patch, field=None):
    """RFC 7386: maps merge, null removes a key, anything else (lists too) replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    return merge_maps(target, patch, merge_patch)


def strategic_merge_patch(target, patch, field=None):
    """A strategic merge patch without directives: like a merge patch, but lists of objects with a merge key
    (containers by name, ports by containerPort or port ...) merge item by item."""
    if isinstance(patch, list):
        key = MERGE_KEYS.get(field) or ('containerPort' if field == 'ports' and patch and isinstance(patch[0], dict) and 'containerPort' in patch[0]
                                        else 'port' if field == 'ports' else None)
        if not key or not isinstance(target, list) or not all(isinstance(item, dict) and key in item for item in patch):
            return copy.deepcopy(patch)
        result = copy.deepcopy(target)
        for item in patch:
            index = next((i for i, existing in enumerate(result) if isinstance(existing, dict) and existing.get(key) == item[key]), None)
            if index is None:
                result.append(copy.deepcopy(item))
            else:
                result[index] = strategic_merge_patch(result[index], item)
        return result
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    return merge_maps(target, patch, strategic_merge_patch)


def patch(mapping, namespace, name, body, patch_type, dry_run=False):
    """Patches an existing object; patch_type is merge or strategic (custom resources take no strategic patches)."""
    live = get(mapping, namespace, name)
    if patch_type == 'strategic':
        if mapping.crd:
            raise ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml')
        merged = strategic_merge_patch(live, body)
    elif patch_type == 'merge':
        merged = merge_patch(live, body)
    else:
        raise ApiError(415, 'UnsupportedMediaType', f'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml')
    merged.setdefault('metadata', {})['name'] = name
    if mapping.namespaced:
        merged['metadata']['namespace'] = namespace
    return save(mapping, namespace, name, admit(mapping, merged, live), dry_run)
