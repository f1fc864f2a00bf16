import type { LanguageModel, ModelProvider, ModelRef } from '@switchboard/core';
import { hardModelOf, localDefaultOf, type RoutableModel, type RouterSetup } from './routing/route';

/** How the registry picks defaults and names models. */
export interface ModelRegistryOptions {
  /** `SWITCHBOARD_DEFAULT_MODEL`; unset: the first local model, else the first configured model. */
  readonly defaultRef?: ModelRef | undefined;
  /** `SWITCHBOARD_FALLBACK_MODELS`, in order. */
  readonly fallbacks?: readonly ModelRef[];
  /** `SWITCHBOARD_MODEL_ALIASES`: extra short names. */
  readonly aliases?: ReadonlyMap<string, ModelRef>;
  /** `SWITCHBOARD_HARD_MODEL`: the model for hard requests and `@cloud`. */
  readonly hardModel?: ModelRef | undefined;
}

/** Every configured model by its `provider:model` ref, which one answers by default, and their names. */
export class ModelRegistry {
  readonly #models = new Map<string, LanguageModel>();
  readonly #providers: readonly ModelProvider[];
  readonly #defaultRef: ModelRef | undefined;
  readonly #fallbacks: readonly ModelRef[];
  readonly #aliases = new Map<string, ModelRef>();
  readonly #hardModel: ModelRef | undefined;

  constructor(providers: readonly ModelProvider[], options: ModelRegistryOptions = {}) {
    this.#providers = providers;
    for (const provider of providers) {
      for (const model of provider.models) this.#models.set(model.ref, model);
    }
    const models = [...this.#models.values()];
    const configured =
      options.defaultRef && this.#models.has(options.defaultRef) ? options.defaultRef : undefined;
    this.#defaultRef =
      configured ?? models.find((model) => model.locality === 'local')?.ref ?? models[0]?.ref;
    this.#fallbacks = (options.fallbacks ?? []).filter((ref) => this.#models.has(ref));
    this.#hardModel = options.hardModel;
    this.#buildAliases(options.aliases);
  }

  /** The model for a ref, if configured. */
  get(ref: string): LanguageModel | undefined {
    return this.#models.get(ref);
  }

  /** Every configured model, in provider order. */
  list(): readonly LanguageModel[] {
    return [...this.#models.values()];
  }

  get providers(): readonly ModelProvider[] {
    return this.#providers;
  }

  /** `SWITCHBOARD_DEFAULT_MODEL`, else the first local model, else the first configured model. */
  get defaultRef(): ModelRef | undefined {
    return this.#defaultRef;
  }

  get fallbacks(): readonly ModelRef[] {
    return this.#fallbacks;
  }

  get isEmpty(): boolean {
    return this.#models.size === 0;
  }

  /**
   * The model a name stands for: a full ref, a model name (`gpt-4o-mini`), a provider (`anthropic`: its
   * first model), `local`, `cloud`, or a configured alias. Case-insensitive.
   */
  resolve(name: string): ModelRef | undefined {
    if (this.#models.has(name)) return name as ModelRef;
    return this.#aliases.get(name.toLowerCase());
  }

  /** The models as the router sees them now, with `available` from `isOpen` (the circuit) and health. */
  routerSetup(
    routing: RouterSetup['routing'],
    circuitOpen: (provider: string) => string | undefined,
  ): RouterSetup {
    const models: RoutableModel[] = this.list().map((model) => {
      const provider = model.ref.slice(0, model.ref.indexOf(':'));
      const open = circuitOpen(provider);
      const health = model.health?.();
      const because = open ?? (health && !health.available ? health.detail : undefined);
      return {
        ref: model.ref,
        locality: model.locality,
        available: because === undefined,
        ...(because === undefined ? {} : { unavailableBecause: because }),
      };
    });
    return {
      models,
      defaultRef: this.#defaultRef,
      fallbacks: this.#fallbacks,
      routing: { ...routing, hardModel: routing.hardModel ?? this.#hardModel },
    };
  }

  #buildAliases(configured: ReadonlyMap<string, ModelRef> | undefined): void {
    const byName = new Map<string, ModelRef[]>();
    for (const ref of this.#models.keys()) {
      const name = ref.slice(ref.indexOf(':') + 1).toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), ref as ModelRef]);
      this.#aliases.set(ref.toLowerCase(), ref as ModelRef);
    }
    for (const [name, refs] of byName) if (refs.length === 1 && refs[0]) this.#aliases.set(name, refs[0]);
    for (const provider of this.#providers) {
      const first = provider.models[0];
      if (first && !this.#aliases.has(provider.name)) this.#aliases.set(provider.name, first.ref);
    }
    const setup = this.routerSetup(
      { rules: [], auto: false, hardModel: this.#hardModel, dailyCloudBudgetUsd: undefined },
      () => undefined,
    );
    const local = localDefaultOf(setup);
    const hard = hardModelOf(setup);
    if (local) this.#aliases.set('local', local);
    if (hard) this.#aliases.set('cloud', hard);
    for (const [name, ref] of configured ?? [])
      if (this.#models.has(ref)) this.#aliases.set(name.toLowerCase(), ref);
  }
}
