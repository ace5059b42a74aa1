import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { foldAliases, withAliases } from '../shared/arg-schema.js';
import { readGuest, stateName, type GuestState } from './lib/virt-guest-read.js';
import { applySteps, virshStep, virshXmlStep, type VirtStep } from './lib/virt-steps.js';
import { viewDiff, type FieldView } from './lib/virt-view.js';
import { buildXml, child, parseXml, text, textElement, xmlFields, xmlFieldValue } from './lib/virt-xml.js';

type GuestCommand = 'define' | 'create' | 'start' | 'stop' | 'destroy' | 'shutdown' | 'undefine' | 'pause' | 'unpause' | 'status' | 'get_xml';
type WantedState = 'running' | 'shutdown' | 'destroyed' | 'paused';

interface VirtArgs {
  name?: string;
  state?: WantedState;
  command?: GuestCommand | 'list_vms';
  autostart?: boolean;
  xml?: string;
  uri: string;
}

const ALIASES = { name: ['guest'] };

const PROPERTIES: Record<string, object> = {
  name: { type: 'string', minLength: 1, description: 'Name of the guest (domain) being managed.' },
  state: { enum: ['running', 'shutdown', 'destroyed', 'paused'], description: 'The run state the guest should be in.' },
  command: {
    enum: ['define', 'create', 'start', 'stop', 'destroy', 'shutdown', 'undefine', 'pause', 'unpause', 'status', 'get_xml', 'list_vms'],
    description: 'What to do: define (from xml), create/start, stop/destroy, shutdown, undefine, pause, unpause, status, get_xml, list_vms.',
  },
  autostart: { type: 'boolean', description: 'Start the guest when the host boots.' },
  xml: { type: 'string', minLength: 1, description: 'The guest definition (libvirt domain XML), for command=define.' },
  uri: { type: 'string', minLength: 1, default: 'qemu:///system', description: 'libvirt connection URI.' },
};

/** `virsh list` filters for list_vms with a state. */
const LIST_FILTERS: Record<WantedState, string> = { running: '--state-running', paused: '--state-paused', shutdown: '--state-shutoff', destroyed: '--state-shutoff' };

const fold = (args: VirtArgs): VirtArgs => foldAliases<VirtArgs>(args as unknown as Record<string, unknown>, ALIASES, PROPERTIES);

/** The guest the task is about: named by `name`, or for define by the XML's <name>. */
function guestName(args: VirtArgs): string {
  if (args.command !== 'define') return args.name ?? '';
  if (args.xml === undefined) throw new ModuleFailure('define requires xml argument');
  const name = text(child(parseXml(args.xml, 'domain', 'xml'), 'name'));
  if (name === undefined) throw new ModuleFailure("Could not find domain 'name' in xml");
  return name;
}

/** Every field the given XML sets must be in the definition: libvirt's own additions (uuid, defaults) are not drift. */
function definitionDiffers(given: string, defined: string): boolean {
  const definedRoot = parseXml(defined, 'domain', 'the definition');
  return [...xmlFields(parseXml(given, 'domain', 'xml'))].some(([key, value]) => xmlFieldValue(definedRoot, key) !== value);
}

/** The given XML with the defined guest's uuid: libvirt refuses a same-name definition without it. */
function withDefinedUuid(given: string, defined: string): string {
  const root = parseXml(given, 'domain', 'xml');
  const uuid = text(child(parseXml(defined, 'domain', 'the definition'), 'uuid'));
  if (uuid !== undefined && child(root, 'uuid') === undefined) root.uuid = [textElement(uuid)];
  return buildXml('domain', root);
}

/** The steps that bring a guest in run state `current` to `wanted` (community.libvirt.virt's state rules). */
function stateSteps(uri: string, domain: string, current: string | undefined, wanted: WantedState): VirtStep[] {
  if (wanted === 'running' && current === 'paused') return [virshStep(uri, 'resume', [domain])];
  if (wanted === 'running' && current !== 'running') return [virshStep(uri, 'start', [domain])];
  if (wanted === 'shutdown' && current !== 'shutdown') return [virshStep(uri, 'shutdown', [domain])];
  if (wanted === 'destroyed' && current !== 'shutdown') return [virshStep(uri, 'destroy', [domain])];
  if (wanted === 'paused' && current === 'running') return [virshStep(uri, 'suspend', [domain])];
  return [];
}

const AFTER_STATE: Record<WantedState, string> = { running: 'running', shutdown: 'shutdown', destroyed: 'shutdown', paused: 'paused' };

/** The steps of a guest command (none for the commands that only report), its result fields and the state it leaves. */
function commandSteps(args: VirtArgs, name: string, guest: GuestState, current: string | undefined): { steps: VirtStep[]; result: ModuleResult; state?: string } {
  const domain = `--domain=${name}`;
  switch (args.command) {
    case 'define': {
      if (guest.xml === undefined) return { steps: [virshXmlStep(args.uri, 'define', [], args.xml ?? '')], result: { created: name }, state: 'shutdown' };
      if (!definitionDiffers(args.xml ?? '', guest.xml)) return { steps: [], result: {} };
      return { steps: [virshXmlStep(args.uri, 'define', [], withDefinedUuid(args.xml ?? '', guest.xml))], result: { change_reason: 'config changed' } };
    }
    case 'create':
    case 'start':
      return { steps: stateSteps(args.uri, domain, current, 'running'), result: {}, state: 'running' };
    case 'stop':
    case 'destroy':
      return { steps: current === 'running' || current === 'paused' ? [virshStep(args.uri, 'destroy', [domain])] : [], result: {}, state: 'shutdown' };
    case 'shutdown':
      return { steps: stateSteps(args.uri, domain, current, 'shutdown'), result: {}, state: 'shutdown' };
    case 'pause':
      return { steps: stateSteps(args.uri, domain, current, 'paused'), result: {}, state: 'paused' };
    case 'unpause':
      return { steps: current === 'paused' ? [virshStep(args.uri, 'resume', [domain])] : [], result: {}, state: 'running' };
    case 'undefine':
      return { steps: guest.state === undefined ? [] : [virshStep(args.uri, 'undefine', [domain])], result: {}, state: 'absent' };
    case 'status':
      return { steps: [], result: { status: current } };
    case 'get_xml':
      return { steps: [], result: { get_xml: guest.xml } };
    default:
      return { steps: [], result: {} };
  }
}

export default defineModule<VirtArgs, GuestState>({
  name: 'virt',
  examples: `
- name: Define a guest from its XML
  community.libvirt.virt:
    command: define
    xml: "{{ lookup('template', 'guest.xml.j2') }}"

- name: Start it and start it at boot
  community.libvirt.virt:
    name: guest1
    state: running
    autostart: true

- name: List the guests
  community.libvirt.virt:
    command: list_vms
  register: guests
`,
  returns: {
    list_vms: { type: 'list', returned: 'command is list_vms', description: 'The guest names.' },
    status: { type: 'str', returned: 'command is status', description: "The guest's state." },
    get_xml: { type: 'str', returned: 'command is get_xml', description: "The guest's XML definition." },
  },
  namespace: 'community.libvirt',
  schema: {
    type: 'object',
    description: 'Manages libvirt guests (community.libvirt.virt, run by betif-play natively with virsh; supports check mode).',
    properties: withAliases(PROPERTIES, ALIASES),
    additionalProperties: false,
  },

  read(ctx, raw) {
    const args = fold(raw);
    if (args.state === undefined && args.command === undefined && args.autostart === undefined) {
      throw new ModuleFailure('expected state or command parameter to be specified');
    }
    if (args.command === 'list_vms') return readGuest(ctx.connection, args.uri, '', args.state === undefined ? '--all' : LIST_FILTERS[args.state]);
    const name = guestName(args);
    if (name === '') {
      if (args.command !== undefined) throw new ModuleFailure(`${args.command} requires 1 argument: guest`);
      throw new ModuleFailure(args.state !== undefined ? 'state change requires a guest specified' : 'autostart requires 1 argument: name');
    }
    return readGuest(ctx.connection, args.uri, name);
  },

  plan(raw, guest, ctx) {
    const args = fold(raw);
    if (args.command === 'list_vms') return { changed: false, result: { list_vms: guest.listed ?? [] } };
    const name = guestName(args);
    const domain = `--domain=${name}`;
    const defined = guest.state !== undefined;
    if (!defined && args.command !== 'define' && (args.autostart !== undefined || args.state !== undefined || args.command !== 'undefine')) {
      throw new ModuleFailure(`domain ${name} not found`);
    }
    const current = stateName(guest.state);
    const byCommand = args.command === undefined ? { steps: [], result: {} } : commandSteps(args, name, guest, current);
    const byState = args.state === undefined ? [] : stateSteps(args.uri, domain, current, args.state);
    const autostartChanges = args.autostart !== undefined && args.autostart !== (guest.autostart ?? false);
    const autostart = autostartChanges ? [virshStep(args.uri, 'autostart', [domain, ...(args.autostart ? [] : ['--disable'])])] : [];
    const steps = [...byCommand.steps, ...autostart, ...byState];

    const before: FieldView = { state: current ?? 'absent', ...(args.autostart !== undefined && defined ? { autostart: guest.autostart } : {}) };
    const afterState = args.state !== undefined ? AFTER_STATE[args.state] : (byCommand.state ?? before.state);
    const after: FieldView = { state: afterState, ...(args.autostart !== undefined ? { autostart: args.autostart } : {}) };
    const result: ModuleResult = { ...byCommand.result, ...(autostartChanges && byCommand.steps.length === 0 ? { change_reason: 'autostart' } : {}) };
    return {
      changed: steps.length > 0,
      diff: steps.length > 0 ? [viewDiff(`guest ${name} (${args.uri})`, before, after)] : [],
      result,
      apply: applySteps(ctx.connection, steps),
    };
  },
});
