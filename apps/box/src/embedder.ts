import {
  type Config,
  type Embedder,
  type LanguageModel,
  type Logger,
  localityOf,
  parseModelRef,
  SwitchboardError,
} from '@switchboard/core';
import { createOpenAIEmbedder } from '@switchboard/provider-openai';

/** A local model that can embed (the llama provider's, through its model process). */
interface EmbeddingModel extends LanguageModel {
  embed(texts: readonly string[]): Promise<number[][]>;
}

const canEmbed = (model: LanguageModel | undefined): model is EmbeddingModel =>
  model !== undefined && typeof (model as Partial<EmbeddingModel>).embed === 'function';

/**
 * The embedder `EMBEDDING_MODEL` names: `openai:<model>` through the OpenAI settings (key, base URL, so
 * any compatible `/embeddings`), or `llama:<name>`, a configured local model embedding in its own
 * process (node-llama-cpp's embedding context). Undefined when unset, or when it names something that
 * cannot embed (said in the log: recall then uses words only).
 */
export function createEmbedder(
  config: Config,
  logger: Logger,
  models: readonly LanguageModel[] = [],
): Embedder | undefined {
  const ref = config.memory.embeddingModel;
  if (!ref) return undefined;
  const parsed = parseModelRef(ref);
  if (parsed?.provider === 'openai') {
    const openai = config.models.openai;
    return createOpenAIEmbedder({
      model: parsed.model,
      apiKey: openai?.apiKey,
      baseURL: openai?.baseURL,
      locality: openai?.locality ?? localityOf(openai?.baseURL ?? 'https://api.openai.com/v1'),
    });
  }
  const local = models.find((model) => model.ref === ref);
  if (canEmbed(local)) {
    return {
      ref,
      locality: 'local',
      async embed(texts) {
        try {
          return await local.embed(texts);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new SwitchboardError(
            'embedding_failed',
            `The local model ${ref} could not embed: ${reason}.`,
            {
              cause: error,
            },
          );
        }
      },
    };
  }
  logger.warn(
    { embeddingModel: ref },
    'EMBEDDING_MODEL names no model that can embed (use openai:<model> or a configured llama:<name>); recall uses words only',
  );
  return undefined;
}
