import { startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { modelStreamContract } from '@switchboard/testkit/model-contract';
import { createOpenAIProvider } from './provider';

modelStreamContract('openai', {
  start: (key) => startFakeOpenAI({ apiKey: key }),
  model({ url, key, timeoutMs }) {
    const provider = createOpenAIProvider({
      apiKey: key,
      baseURL: url,
      models: ['fake-model'],
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const [model] = provider.models;
    if (!model) throw new Error('the provider offers no model');
    return model;
  },
});
