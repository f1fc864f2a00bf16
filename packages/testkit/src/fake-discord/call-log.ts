import { EventEmitter } from 'node:events';

/** One REST call the fake answered, recorded for assertions. */
export interface RecordedCall {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
  readonly method: string;
  /** The decoded path after `/api/v10` (`%40original` is `@original` here). Tokens are kept: this is a fake. */
  readonly path: string;
  /** The route with ids replaced, such as `PATCH /webhooks/:app/:token/messages/@original`. */
  readonly route: string;
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined. */
  readonly body: unknown;
  readonly authorization: string | undefined;
  /** The interaction this call answers or edits, when it is an interaction or webhook route. */
  readonly interactionId: string | undefined;
  readonly status: number;
  readonly response: unknown;
}

/** Every call the fake answered, with a way to wait for one. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  readonly #events = new EventEmitter();

  constructor() {
    this.#events.setMaxListeners(0);
  }

  record(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const recorded = { ...call, seq: this.calls.length + 1 };
    this.calls.push(recorded);
    this.#events.emit('call', recorded);
    return recorded;
  }

  /** Calls whose route matches (`'PATCH /webhooks/:app/:token/messages/@original'` or a RegExp). */
  matching(route: string | RegExp): RecordedCall[] {
    return this.calls.filter((call) =>
      typeof route === 'string' ? call.route === route : route.test(call.route),
    );
  }

  /** Resolves with the first call (already recorded or future) that satisfies `predicate`. */
  waitFor(
    predicate: (call: RecordedCall) => boolean,
    timeoutMs = 10_000,
    what = 'a matching call',
  ): Promise<RecordedCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.#events.off('call', onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.#events.off('call', onCall);
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#events.on('call', onCall);
    });
  }
}
