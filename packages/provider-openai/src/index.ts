export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './embedder';
export { createOpenAIProvider, type OpenAIProviderOptions } from './provider';
