import { ModelError } from '@switchboard/core';

/** The provider part of every error this package raises. */
export const PROVIDER = 'llama';

/** Why the model process went away, for the error every waiting stream receives. */
export type StopCause = 'crashed' | 'hung';

/** The model process died or stopped answering; it restarts by itself, so trying again works. */
export function crashedError(ref: string, cause: StopCause, detail: string): ModelError {
  const what = cause === 'hung' ? 'stopped responding' : 'stopped unexpectedly';
  return new ModelError({
    code: 'local_model_crashed',
    message: `The local model ${ref} ${what} and is restarting; try again in a moment.`,
    provider: PROVIDER,
    retryable: true,
    cause: new Error(detail),
  });
}

/** What went wrong loading a model, in words, from node-llama-cpp's error message. */
export function describeLoadFailure(raw: string): string {
  const short = raw.length > 200 ? `${raw.slice(0, 199)}…` : raw;
  if (/ENOENT/.test(raw)) return 'there is no such file';
  if (/EACCES|EPERM/.test(raw)) return 'it is not readable (check its permissions)';
  if (/EISDIR/.test(raw)) return 'it is a directory, not a file';
  if (/memory|alloc/i.test(raw)) return `there is not enough memory for it (${short})`;
  return `llama.cpp cannot read it; it may be incomplete, damaged, or of an architecture this version does not support (${short})`;
}

/** The model file could not be loaded (missing, corrupt, too large): trying again will not help. */
export function loadFailedError(
  ref: string,
  path: string,
  reason: string,
  advice = 'Check the file (LLAMA_MODEL_PATH or ./models).',
): ModelError {
  return new ModelError({
    code: 'local_model_failed',
    message: `The local model ${ref} could not be loaded from ${path}: ${reason}. ${advice}`,
    provider: PROVIDER,
    retryable: false,
  });
}

/** The model was loaded but failed this one answer (a prompt longer than the context, a bad tool schema). */
export function generationError(ref: string, reason: string, contextSize: number): ModelError {
  if (/context (size|shift)|too long for the context/i.test(reason)) {
    return new ModelError({
      code: 'context_too_long',
      message: `The conversation does not fit into the context of the local model ${ref} (${contextSize} tokens, with the tool descriptions); start a new conversation, offer fewer tools, or raise LLAMA_CONTEXT_SIZE.`,
      provider: PROVIDER,
      retryable: false,
      cause: new Error(reason),
    });
  }
  return new ModelError({
    code: 'local_model_error',
    message: `The local model ${ref} could not answer: ${reason}`,
    provider: PROVIDER,
    retryable: false,
  });
}

/** The provider was closed while the request waited or ran. */
export function closedError(ref: string): ModelError {
  return new ModelError({
    code: 'local_model_closed',
    message: `The local model ${ref} was shut down before it finished answering.`,
    provider: PROVIDER,
    retryable: true,
  });
}
