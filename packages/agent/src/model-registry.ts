import type { LanguageModel, ModelProvider, ModelRef } from '@switchboard/core';

/** Every configured model by its `provider:model` ref, and which one answers by default. */
export class ModelRegistry {
  readonly #models = new Map<string, LanguageModel>();
  readonly #providers: readonly ModelProvider[];
  readonly #defaultRef: ModelRef | undefined;

  constructor(providers: readonly ModelProvider[], defaultRef?: ModelRef) {
    this.#providers = providers;
    for (const provider of providers) {
      for (const model of provider.models) this.#models.set(model.ref, model);
    }
    this.#defaultRef = defaultRef ?? providers[0]?.models[0]?.ref;
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

  /** `SWITCHBOARD_DEFAULT_MODEL`, else the first configured provider's default model. */
  get defaultRef(): ModelRef | undefined {
    return this.#defaultRef;
  }

  get isEmpty(): boolean {
    return this.#models.size === 0;
  }
}
