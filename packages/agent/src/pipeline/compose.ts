import { SwitchboardError } from '@switchboard/core';

/** Hands the event to the rest of the pipeline; resolves when the rest is done. Call it at most once. */
export type Next = () => Promise<void>;

/**
 * One step of the agent's pipeline, in the spirit of grammY's `(ctx, next)`: look at the context, add
 * to it, answer and stop (do not call `next`), or call `next` to go on — and do more after it returns.
 */
export type Middleware<C> = (context: C, next: Next) => Promise<void>;

/**
 * The middlewares as one, run in order. Each `next` goes to the following middleware; the last one's
 * `next` does nothing. Calling a `next` twice rejects with `next_called_twice`, so no step can run the
 * rest of the pipeline (and answer the user) twice.
 */
export function compose<C>(middlewares: readonly Middleware<C>[]): Middleware<C> {
  return (context, last) => {
    const run = (index: number): Promise<void> => {
      const middleware = middlewares[index];
      if (middleware === undefined) return last();
      let called = false;
      return middleware(context, () => {
        if (called) {
          return Promise.reject(
            new SwitchboardError(
              'next_called_twice',
              `Middleware ${index + 1} of ${middlewares.length} called next() twice.`,
            ),
          );
        }
        called = true;
        return run(index + 1);
      });
    };
    return run(0);
  };
}
