import { ModelRegistry } from '@switchboard/agent';
import { loadConfig } from '@switchboard/core';
import { formatModelListing, listModels } from '../model-listing';
import { createProviders } from '../providers';

/** How long each provider's check may take. */
const CHECK_TIMEOUT_MS = 5000;

/**
 * `switchboard models`: every configured model with where it runs, the default, its health and its price.
 * Exit code 1 when a model cannot answer now.
 */
export async function runModels(): Promise<number> {
  const config = loadConfig();
  const providers = await createProviders(config);
  try {
    const registry = new ModelRegistry(providers, { defaultRef: config.models.default });
    const report = await listModels(providers, {
      defaultRef: registry.defaultRef,
      prices: config.pricing.prices,
      timeoutMs: CHECK_TIMEOUT_MS,
    });
    console.log(formatModelListing(report));
    return report.models.every((model) => model.health.ok) ? 0 : 1;
  } finally {
    await Promise.all(providers.map((provider) => provider.close?.()));
  }
}
