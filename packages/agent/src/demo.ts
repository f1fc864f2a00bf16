/** The line every answer of the generated demo model ends with. */
export const DEMO_LABEL =
  '— _Demo model: random weights, so this answer is noise. It shows the pipeline works; set LLAMA_MODEL_PATH (or put a .gguf in ./models), OPENAI_API_KEY or ANTHROPIC_API_KEY for real answers._';
