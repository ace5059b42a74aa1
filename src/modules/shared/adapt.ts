import type { Module, ModuleResult, Plan } from '../contract.js';

/** How a collection's module (community.libvirt.virt_net) speaks through a betif-play module (virt_net). */
export interface Adaptation<Args, BaseArgs> extends Pick<Module<Args>, 'examples' | 'returns'> {
  name: string;
  namespace: string;
  aliases?: string[];
  schema: Record<string, unknown>;
  secretArgs?: string[];
  /** The collection's arguments as the betif-play module's arguments. */
  toBase(args: Args): BaseArgs;
  /** The betif-play module's result in the collection's shape. */
  toResult(result: ModuleResult, args: Args): ModuleResult;
}

/** A module under another collection's name and arguments, with the reads, plans and applies of `base`. */
export function adaptModule<Args, BaseArgs, State>(base: Module<BaseArgs, State>, adaptation: Adaptation<Args, BaseArgs>): Module<Args, State> {
  const { toBase, toResult } = adaptation;
  return {
    name: adaptation.name,
    namespace: adaptation.namespace,
    aliases: adaptation.aliases,
    schema: adaptation.schema,
    examples: adaptation.examples,
    returns: adaptation.returns,
    secretArgs: adaptation.secretArgs,
    secretResults: base.secretResults,
    read: (ctx, args) => base.read(ctx, toBase(args)),
    plan(args, state, ctx): Plan {
      const plan = base.plan(toBase(args), state, ctx);
      const apply = plan.apply;
      return {
        ...plan,
        result: toResult(plan.result ?? {}, args),
        // The runner merges apply's fields over the plan's: map the merged result, not each part alone.
        apply: apply && (async () => toResult({ ...plan.result, ...(await apply()) }, args)),
      };
    },
  };
}
