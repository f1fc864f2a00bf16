import { type ChatWrapper, type LlamaModel, LlamaText, TokenBias } from 'node-llama-cpp';

/**
 * Testing only: a token bias that makes the model write the chat template's tool-call prefix (for
 * Qwen `<tool_call>\n{"name": "`) token by token, after which node-llama-cpp's function-calling grammar
 * constrains the name and the arguments. A model with random weights never opens a call by itself, so
 * this is what makes tool-call tests deterministic. A function-valued bias is asked once per generated
 * token; a static bias would force the prefix forever.
 */
export function forceToolCallBias(model: LlamaModel, chatWrapper: ChatWrapper): () => TokenBias {
  const prefix = LlamaText(chatWrapper.settings.functions.call.prefix);
  const forced = prefix.tokenize(model.tokenizer, 'trimLeadingSpace');
  let next = 0;
  return () => {
    const bias = new TokenBias(model.tokenizer);
    const token = forced[next];
    next += 1;
    if (token !== undefined) bias.set(token, { logit: 1000 });
    return bias;
  };
}

/**
 * Testing only: the other half of {@link forceToolCallBias}, for an answer after tool results: the
 * first token of the tool-call prefix is never chosen, so the model answers in text and a tool loop
 * ends (random weights continuing a turn that called a tool tend to call it again).
 */
export function forbidToolCallBias(model: LlamaModel, chatWrapper: ChatWrapper): TokenBias {
  const prefix = LlamaText(chatWrapper.settings.functions.call.prefix);
  const tokens = prefix.tokenize(model.tokenizer, 'trimLeadingSpace');
  const opening = tokens.find((token) => model.detokenize([token], true).trim() !== '');
  const bias = new TokenBias(model.tokenizer);
  if (opening !== undefined) bias.set(opening, 'never');
  return bias;
}
