export { LLAMA_CHILD_BUNDLE, LLAMA_CHILD_ENV, llamaChildEntry } from './child-entry';
export { LlamaLanguageModel } from './model';
export { type LlamaModelFile, type LlamaProviderOptions, llamaModelRef } from './options';
export { createLlamaProvider, type LlamaProvider } from './provider';
export { type LlamaModelSources, resolveLlamaModels } from './resolve';
