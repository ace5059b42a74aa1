import { resolveAnsibleModule } from '../ansible-modules/resolve.js';
import type { ModuleSearch } from '../ansible-modules/lookup.js';
import { validateArgs } from '../modules/args.js';
import { defineModule, ModuleFailure, type Module, type ModuleContext } from '../modules/contract.js';
import { isStandIn, type ModuleRegistry } from '../modules/registry.js';

/** Where a module name rendered at run time is looked for: betif-play's modules, then the user's Ansible installation. */
export interface TemplatedModuleLookup {
  registry: ModuleRegistry;
  search: ModuleSearch;
}

interface Chosen {
  module: Module;
  args: Record<string, unknown>;
  state: unknown;
}

/** A native module by the rendered name (a short name in the task's collections first), imported if it was not yet. */
async function nativeModule(name: string, lookup: TemplatedModuleLookup): Promise<Module | undefined> {
  const names = name.includes('.') ? [name] : [...lookup.search.collections.map((collection) => `${collection}.${name}`), name];
  const find = () => names.map((candidate) => lookup.registry.find(candidate)).find(Boolean);
  const found = find();
  if (found === undefined || !isStandIn(found)) return found;
  await lookup.registry.importMissed();
  return find();
}

async function chosenModule(name: string, lookup: TemplatedModuleLookup): Promise<Module> {
  const native = await nativeModule(name, lookup);
  if (native) return native;
  const resolved = resolveAnsibleModule(name, lookup.search);
  if ('module' in resolved) return resolved.module;
  // Ansible's result for a module it cannot find says nothing of `changed`.
  throw new ModuleFailure(resolved.notFound ? `The module ${name} was not found in configured module paths` : resolved.error, { changed: undefined });
}

/**
 * The module of an `action:` task whose module name is a template (`action: {module: "{{ m }}"}`): Ansible reads
 * such a task without knowing its module, so the name is rendered with the task's variables when it runs on a
 * host, and the module it names is found and its arguments checked then. Free-form words written after the
 * name become the chosen module's free-form argument.
 */
export function templatedModule(nameTemplate: string, lookup: TemplatedModuleLookup): Module {
  return defineModule<Record<string, unknown>, Chosen>({
    name: nameTemplate,
    schema: {},
    async read(ctx: ModuleContext, written) {
      const module = await chosenModule(ctx.render(nameTemplate).trim(), lookup);
      const { _raw_params: freeForm, ...named } = written;
      const given = freeForm !== undefined && module.freeForm ? { ...named, [module.freeForm]: freeForm } : written;
      const args = validateArgs(module, given);
      return { module, args, state: await module.read(ctx, args) };
    },
    plan: (_written, chosen, ctx) => chosen.module.plan(chosen.args, chosen.state, ctx),
  });
}
