import type { Config, ModelProvider } from '@switchboard/core';
import { createOpenAIProvider } from '@switchboard/provider-openai';

/** The model providers the configuration asks for, in a stable order (the first answers by default). */
export function createProviders(config: Config): ModelProvider[] {
  const providers: ModelProvider[] = [];
  const openai = config.models.openai;
  if (openai) {
    providers.push(
      createOpenAIProvider({
        models: openai.models,
        ...(openai.apiKey === undefined ? {} : { apiKey: openai.apiKey }),
        ...(openai.baseURL === undefined ? {} : { baseURL: openai.baseURL }),
      }),
    );
  }
  return providers;
}
