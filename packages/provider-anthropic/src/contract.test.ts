import { startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { modelStreamContract } from '@switchboard/testkit/model-contract';
import { createAnthropicProvider } from './provider';

modelStreamContract('anthropic', {
  start: (key) => startFakeAnthropic({ apiKey: key }),
  model({ url, key, timeoutMs }) {
    const provider = createAnthropicProvider({
      apiKey: key,
      baseURL: url,
      models: ['claude-fake'],
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const [model] = provider.models;
    if (!model) throw new Error('the provider offers no model');
    return model;
  },
});
