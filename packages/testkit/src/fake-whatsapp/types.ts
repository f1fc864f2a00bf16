/** A Graph API error body, as Meta sends it: `{ error: { message, type, code, error_data, fbtrace_id } }`. */
export interface GraphErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly code: number;
    readonly error_subcode?: number;
    readonly error_data?: { readonly messaging_product: 'whatsapp'; readonly details: string };
    readonly fbtrace_id: string;
  };
}

/** What one call to `POST /{phone-number-id}/messages` did. */
export type GraphMessageKind = 'text' | 'interactive' | 'template' | 'typing' | 'read' | 'invalid';

/** One request the fake Graph API received, with its answer. */
export interface GraphCall {
  readonly method: string;
  readonly path: string;
  readonly kind: GraphMessageKind | 'phone-number' | 'unknown';
  /** The parsed JSON body (`undefined` for GET or a body that was not JSON). */
  readonly body: Record<string, unknown> | undefined;
  /** The recipient's wa_id for messages. */
  readonly to: string | undefined;
  readonly status: number;
  /** The Graph error code when the call failed. */
  readonly errorCode: number | undefined;
  /** The message id the fake assigned to a sent message. */
  readonly messageId: string | undefined;
  /** Fake-clock milliseconds when the call arrived. */
  readonly at: number;
}

/** A failure to answer instead of running the call. */
export interface GraphFailureRule {
  /** The Graph error code: 130429 and 131056 (throttling), 131047 (window), 131026 (undeliverable), 190 (token)… */
  readonly code: number;
  /** Only for these kinds of call (default: any message send, not typing). */
  readonly kinds?: readonly GraphMessageKind[];
  /** Only for this recipient. */
  readonly to?: string;
  /** How many calls fail (default 1). */
  readonly times?: number;
}

/** Options of {@link startFakeGraph}. */
export interface FakeGraphOptions {
  /** The access token the fake accepts (default `EAAG-fake-token`). */
  readonly token?: string;
  /** The business phone number id (default `106540352242922`). */
  readonly phoneNumberId?: string;
  /** The Graph API version in the path (default `v23.0`). */
  readonly version?: string;
  /** The fake's clock, for the 24-hour window (default `Date.now`). */
  readonly now?: () => number;
}

/** A fake WhatsApp Cloud API (Graph API) on 127.0.0.1. */
export interface FakeGraph {
  /** The Graph base including its version, for `WHATSAPP_GRAPH_URL`: `http://127.0.0.1:PORT/v23.0`. */
  readonly url: string;
  readonly token: string;
  readonly phoneNumberId: string;
  /** Every call so far, in arrival order. */
  readonly calls: readonly GraphCall[];
  /** Successful sends of text, interactive and template messages to `to` (all recipients when unset). */
  sent(to?: string): GraphCall[];
  /** Resolves with the first call (past or future) that matches; rejects after `timeoutMs`. */
  waitFor(match: (call: GraphCall) => boolean, timeoutMs?: number): Promise<GraphCall>;
  /** Answer the next matching calls with a Graph error instead. */
  fail(rule: GraphFailureRule): void;
  /** Record that `waId` wrote to the business at `at` (opens their 24-hour customer-service window). */
  userWrote(waId: string, at?: number): void;
  /** True while `waId` may be sent free-form messages. */
  windowOpen(waId: string): boolean;
  close(): Promise<void>;
}
