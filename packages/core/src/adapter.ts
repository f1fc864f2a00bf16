import type { Platform } from './conversation';
import type { InboundEvent, JsonValue, ReplyAddress } from './inbound';
import type { ReplyMeta, ReplyPart } from './reply';

/** What a platform allows; the delivery engine plans posts, edits and splits from these. */
export interface AdapterLimits {
  /** The longest text one message may hold, in characters. */
  readonly maxLength: number;
  /** The shortest gap between two edits of one message, in milliseconds. */
  readonly minEditIntervalMs: number;
  /** False where messages cannot be edited (WhatsApp): typing indicator, then the final text. */
  readonly canEdit: boolean;
  /** The most buttons one message may carry. */
  readonly maxButtons: number;
  /** How often "typing…" must be renewed to stay visible; the engine's `typingIntervalMs` when unset. */
  readonly typingIntervalMs?: number;
  /**
   * Platforms without edits only: while a reply runs, post a short progress message (the latest status)
   * at most this often, the first one after this long. Unset: none.
   */
  readonly progressIntervalMs?: number;
  /** True where the last message of a finished answer shows its meta (model, tokens) as a footer. */
  readonly footer?: boolean;
}

/** A button under a message. Pressing it produces an `action` event with `id` and `value`. */
export interface Button {
  readonly id: string;
  readonly value: string;
  readonly label: string;
  readonly style?: 'primary' | 'danger';
}

/** One message to post or to replace an earlier one with. Text is Markdown; adapters convert it. */
export interface OutboundMessage {
  readonly text: string;
  readonly buttons?: readonly Button[];
  /** True when this is the last version of the message (no more edits follow). */
  readonly final: boolean;
  /** On the last message of a finished answer: how it was made (platforms that show a footer use it). */
  readonly meta?: ReplyMeta;
}

/**
 * The {@link PlatformError} code of an edit the platform no longer allows on a message that still shows
 * its text (Discord's 15-minute interaction token ran out). The delivery engine keeps that message as it
 * is and continues the reply in new messages below it, instead of posting its text again.
 */
export const EDIT_WINDOW_CLOSED = 'edit_window_closed';

/**
 * Which primitive a paced call runs. Platforms budget them apart: Telegram counts new messages per group
 * and paces edits (and drafts) per chat; Slack's `chat.update` is Tier 3, its `chat.appendStream` Tier 4.
 */
export type RateCall = 'post' | 'edit' | 'preview' | 'append' | 'typing';

/**
 * How an adapter paces its platform calls (its rate-limit buckets), consulted by the delivery engine
 * around every post, edit, preview and typing call it makes: `wait` before the call, `observe` when it
 * failed, `finished` once it is over (whatever the outcome). The engine's own per-request pace is a gate
 * too. Adapters learn the buckets from the platform's answers (headers, retry-after); the primitives
 * themselves do not pace, so every call the engine makes waits in exactly one place.
 */
export interface RateGate {
  /**
   * Resolves when a `call` answering at `to` may start now; rejects when `signal` aborts. A gate that
   * admits one call at a time (per chat) holds the slot until `finished`.
   */
  wait(to: ReplyAddress, signal: AbortSignal, call: RateCall): Promise<void>;
  /** A call answering at `to` failed with `error` (a 429 carries its retry-after). */
  observe(to: ReplyAddress, error: unknown): void;
  /** The call `wait` admitted is over; called exactly once after every `wait` that resolved. */
  finished?(to: ReplyAddress, call: RateCall): void;
}

/**
 * A native message stream the engine writes the reply into (Slack's `chat.*Stream`): the adapter starts,
 * appends and stops; the engine decides what to append and when (paced as `append` calls), retries,
 * keeps each message within {@link StreamWriter.messageLength} and puts the final text right (rewriting
 * the message by `edit`, or posting the rest after it).
 */
export interface StreamWriter {
  /** The most characters one `append` may carry. */
  readonly appendLength: number;
  /** The most characters the engine streams into one message; the rest is posted after it. */
  readonly messageLength: number;
  /**
   * Start a streamed message at `to`. Resolves `null` where no stream applies there (the workspace has
   * none, the reply updates a button message): the engine then posts and edits. The engine records the
   * message at once, so a crash mid-stream can be finished by `edit` (which stops an open stream first).
   */
  start(to: ReplyAddress, signal?: AbortSignal): Promise<SentMessage | null>;
  /** Append Markdown to the stream; throws a {@link PlatformError} when the call failed. */
  append(sent: SentMessage, markdown: string, signal?: AbortSignal): Promise<void>;
  /** End the stream; its message keeps what was appended. */
  stop(sent: SentMessage, signal?: AbortSignal): Promise<void>;
  /**
   * Show a passing status line with the stream while no text comes (a tool running, a model thinking);
   * `''` clears it. Optional; best effort: the engine logs a failure and streams on.
   */
  status?(sent: SentMessage, text: string, signal?: AbortSignal): Promise<void>;
}

/** A message the adapter posted, so that it can be edited later. JSON-serialisable. */
export interface SentMessage {
  readonly platform: Platform;
  readonly id: string;
  readonly address: ReplyAddress;
  readonly data?: { readonly [key: string]: JsonValue };
}

/**
 * Who calls a route. The box's HTTP server applies the checks that caller needs before `handle` runs,
 * so a route gets them by declaring its caller (rules: `apps/box/src/http/owner-guard.ts`, ADR 0021).
 *
 * - `owner`: the owner's browser or tools — the web chat page and the owner API. The `Host` header is
 *   checked on every method (DNS rebinding); on POST, PUT, PATCH and DELETE also the `Origin` and
 *   `Content-Type: application/json` (cross-site requests). Who the caller is (loopback or the API
 *   token) stays the route's own check.
 * - `platform`: a chat platform's webhook, which the adapter verifies by the platform's signature or
 *   secret. It arrives through proxies under any host name, so only the body size is capped.
 */
export type RouteCaller = 'owner' | 'platform';

/** The largest request body a route accepts unless it declares its own limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP route an adapter mounts on the box's one server (webhooks). Standard Request/Response. */
export interface WebhookRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** Who calls it, which decides the checks the server applies first (see {@link RouteCaller}). */
  readonly caller: RouteCaller;
  /**
   * The largest body accepted, in bytes (default {@link DEFAULT_MAX_BODY_BYTES}). A larger one is
   * answered 413 by the server, which stops reading it at the limit; `handle` never sees it.
   */
  readonly maxBodyBytes?: number;
  readonly handle: (request: Request, context: WebhookContext) => Promise<Response>;
}

/** What the box's server knows about a webhook request beyond the Request itself. */
export interface WebhookContext {
  /** The peer's IP address, when known. */
  readonly remoteAddress?: string;
}

/** A command as platforms list it in their menus (Telegram setMyCommands, Discord registration). */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  /** A name and description for the command's single free-text argument, when it takes one. */
  readonly argument?: { readonly name: string; readonly description: string; readonly required: boolean };
}

/** Receives each normalized event; resolves once the event is safely on the bus. */
export type EventSink = (event: InboundEvent) => Promise<SinkResult>;

/** What became of an event handed to the sink. */
export type SinkResult =
  | { readonly status: 'accepted' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'busy'; readonly retryAfterMs: number }
  | { readonly status: 'ignored'; readonly reason: string };

/**
 * Where an adapter's connection to its platform stands, for the start banner, `/healthz` and
 * `switchboard doctor`. `reason` is a sentence an operator can act on and never holds a token.
 */
export type ConnectionStatus =
  /** Starting: the first connection attempt has not finished. */
  | { readonly state: 'connecting' }
  /** Receiving events and able to reply. */
  | { readonly state: 'connected' }
  /** The platform cannot be reached (network, outage); the adapter keeps trying by itself. */
  | { readonly state: 'retrying'; readonly reason: string; readonly attempts: number }
  /** The platform refused the adapter (token revoked after start): nothing more is tried until a restart. */
  | { readonly state: 'failed'; readonly reason: string }
  /** `stop()` was called. */
  | { readonly state: 'stopped' };

/** What {@link ChatAdapter.unrecorded} looks for. */
export interface UnrecordedQuery {
  /** Where the request is answered. */
  readonly to: ReplyAddress;
  /** The messages the outbox recorded for the request. */
  readonly known: readonly SentMessage[];
  /** Ids of messages the outbox recorded for other requests of the conversation: never the request's own. */
  readonly others: readonly string[];
  /** When the box received the request: its reply was made after this. */
  readonly since: Date;
}

/**
 * One chat platform. Adapters implement primitives (post, edit, typing, buttons); the shared delivery
 * engine decides when to call them. `stream` is an optional native-streaming capability.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  readonly limits: AdapterLimits;
  /**
   * Connect and hand every inbound event to `sink`. Resolves once the adapter is receiving, or once a
   * first attempt found the platform unreachable, in which case it keeps retrying in the background
   * ({@link ChatAdapter.status} says `retrying`). Rejects, naming the variable to fix, only when the
   * platform refused the credentials or the settings: retrying cannot help, so the box does not start.
   */
  start(sink: EventSink, signal: AbortSignal): Promise<void>;
  /** Where the connection stands now; adapters without it are `connected` once started. */
  status?(): ConnectionStatus;
  /** Webhook routes to mount on the box's HTTP server. */
  routes?(): readonly WebhookRoute[];
  post(to: ReplyAddress, message: OutboundMessage, signal?: AbortSignal): Promise<SentMessage>;
  edit(sent: SentMessage, message: OutboundMessage, signal?: AbortSignal): Promise<void>;
  /**
   * Native streaming the adapter drives itself (the web chat's event stream, a Discord button press's
   * reply); platforms whose stream the engine can drive implement `streamWriter` instead. Consumes every
   * part up to and including the final one. Resolves `null` to let the engine fall back to post+edit,
   * which it may only do before consuming any part. `started` is called once the platform message the
   * stream writes into exists (the engine records it, so a crash mid-stream can be finished by `edit`).
   */
  stream?(
    to: ReplyAddress,
    parts: AsyncIterable<ReplyPart>,
    signal?: AbortSignal,
    started?: (sent: SentMessage) => void,
  ): Promise<SentMessage | null>;
  /**
   * A live preview of the reply that the platform replaces by the real messages (Telegram's message
   * drafts in private chats). The engine shows the streamed text in it at the adapter's pace, posts
   * approvals and then the final text itself. Resolves false where no preview applies to `to` (or the
   * platform refused previews): the engine then posts and edits, or just stops previewing. Throws a
   * {@link PlatformError} when one update failed.
   */
  preview?(to: ReplyAddress, text: string, signal?: AbortSignal): Promise<boolean>;
  /** A native message stream the engine writes into (Slack), used before post+edit where it applies. */
  readonly streamWriter?: StreamWriter;
  /**
   * The messages this bot made for one request that the outbox never recorded: a crash landed between
   * the platform making a message and its record (ADR 0049). Platforms that can read a conversation back
   * implement it; recovery then finishes those messages instead of leaving them open or posting again.
   */
  unrecorded?(query: UnrecordedQuery, signal?: AbortSignal): Promise<readonly SentMessage[]>;
  /** Show "typing…" for a few seconds. */
  typing?(to: ReplyAddress, signal?: AbortSignal): Promise<void>;
  /** The adapter's pacing of platform calls; the engine consults it around each call it makes. */
  readonly rateGate?: RateGate;
  /** Publish the command menu to the platform. */
  registerCommands?(commands: readonly CommandSpec[], signal?: AbortSignal): Promise<void>;
  /**
   * Disconnect and release everything. Should finish within seconds whatever the platform does; the
   * box abandons a `stop()` that outlives its shutdown grace period.
   */
  stop(): Promise<void>;
}
