/** What the keys pressed while an answer streams ask for. */
export interface AnswerKeys {
  /** Ctrl+C: stop this answer. */
  readonly cancel: () => void;
  /** Ctrl+D: leave the chat now. */
  readonly quit: () => void;
}

/** A key watch that can be paused while a prompt owns the keyboard. */
export interface KeyWatch {
  pause(): void;
  resume(): void;
  stop(): void;
}

/**
 * Watch the keyboard while an answer streams: the terminal goes to raw mode, so Ctrl+C and Ctrl+D
 * arrive as bytes (not a signal, not end of input). Other keys are ignored and not echoed.
 */
export function watchAnswerKeys(input: NodeJS.ReadStream, keys: AnswerKeys): KeyWatch {
  const onData = (chunk: Buffer | string) => {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    if (text.includes('\u0004')) keys.quit();
    else if (text.includes('\u0003')) keys.cancel();
  };
  let watching = false;
  const resume = () => {
    if (watching) return;
    watching = true;
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  };
  const pause = () => {
    if (!watching) return;
    watching = false;
    input.off('data', onData);
    input.setRawMode(false);
    input.pause();
  };
  resume();
  return { pause, resume, stop: pause };
}
