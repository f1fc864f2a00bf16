/** What the box answers when no model is configured: how to configure one. */
export const NO_MODEL_MESSAGE = [
  'No model is configured yet, so I cannot answer.',
  'Put a .gguf model in ./models (or set LLAMA_MODEL_PATH), or set OPENAI_API_KEY or ANTHROPIC_API_KEY in .env (OPENAI_BASE_URL for any OpenAI-compatible server such as Ollama, vLLM or llama-server), then restart the box.',
  'Run `switchboard doctor` to check your setup.',
].join(' ');
