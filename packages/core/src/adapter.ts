import type { Platform } from './conversation';
import type { InboundEvent, JsonValue, ReplyAddress } from './inbound';
import type { ReplyPart } from './reply';

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
}

/** A message the adapter posted, so that it can be edited later. JSON-serialisable. */
export interface SentMessage {
  readonly platform: Platform;
  readonly id: string;
  readonly address: ReplyAddress;
  readonly data?: { readonly [key: string]: JsonValue };
}

/** An HTTP route an adapter mounts on the box's one server (webhooks). Standard Request/Response. */
export interface WebhookRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
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
 * One chat platform. Adapters implement primitives (post, edit, typing, buttons); the shared delivery
 * engine decides when to call them. `stream` is an optional native-streaming capability.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  readonly limits: AdapterLimits;
  /** Connect and hand every inbound event to `sink`. Resolves once the adapter is receiving. */
  start(sink: EventSink, signal: AbortSignal): Promise<void>;
  /** Webhook routes to mount on the box's HTTP server. */
  routes?(): readonly WebhookRoute[];
  post(to: ReplyAddress, message: OutboundMessage, signal?: AbortSignal): Promise<SentMessage>;
  edit(sent: SentMessage, message: OutboundMessage, signal?: AbortSignal): Promise<void>;
  /**
   * Native streaming (Slack chat.*Stream, Telegram drafts, the web chat's event stream). Consumes every
   * part up to and including the final one. Resolves `null` to let the engine fall back to post+edit,
   * which it may only do before consuming any part.
   */
  stream?(
    to: ReplyAddress,
    parts: AsyncIterable<ReplyPart>,
    signal?: AbortSignal,
  ): Promise<SentMessage | null>;
  /** Show "typing…" for a few seconds. */
  typing?(to: ReplyAddress, signal?: AbortSignal): Promise<void>;
  /** Publish the command menu to the platform. */
  registerCommands?(commands: readonly CommandSpec[], signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}
