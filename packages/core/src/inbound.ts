import type { ConversationRef, Platform } from './conversation';

/** A JSON value, so that addresses and events cross process boundaries (NATS) unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * What an adapter needs to answer one request: an interaction token, a `response_url`, a chat id and
 * message id to reply to. Opaque to everything but the adapter that made it; JSON-serialisable.
 */
export interface ReplyAddress {
  readonly platform: Platform;
  readonly data: { readonly [key: string]: JsonValue };
}

/** Who sent an event, as the platform names them. */
export interface Author {
  readonly platformUserId: string;
  readonly displayName: string;
  /** Platform roles or groups (Discord role ids, for example), used by allowlists. */
  readonly roles?: readonly string[];
  /**
   * True when the platform says this person administers the place the event came from (Discord: the
   * Administrator permission in that server). Such a person may decide any approval there. Adapters
   * leave it out when the platform does not tell.
   */
  readonly admin?: boolean;
}

/** A parsed command: `/ask hello` on every platform becomes `{ name: 'ask', args: 'hello' }`. */
export interface CommandInvocation {
  readonly name: string;
  readonly args: string;
}

/** A button press (approve, deny, cancel). */
export interface ActionInvocation {
  /** What the button does, such as `approval`. */
  readonly id: string;
  /** The payload the button carried, such as `<approvalId>:approve`. */
  readonly value: string;
  /**
   * The platform user id of the person whose request the button was shown for, when the platform's
   * button can carry it (Discord). The agent lets only that person, a box owner or an admin decide.
   */
  readonly requestedBy?: string;
}

/**
 * One normalized request from any platform. Adapters build it; the bus carries it; the agent handles it.
 * `id` is the same on every redelivery of the same platform event, which is what deduplication keys on.
 */
export interface InboundEvent {
  /** `${platform}:${platform event id}`. */
  readonly id: string;
  /** `message`: plain text; `command`: a slash command; `action`: a button press. */
  readonly kind: 'message' | 'command' | 'action';
  readonly conversation: ConversationRef;
  readonly author: Author;
  /** The text as typed (for commands, the whole line). */
  readonly text: string;
  readonly command?: CommandInvocation;
  readonly action?: ActionInvocation;
  readonly reply: ReplyAddress;
  /** ISO timestamp of when the adapter received it. */
  readonly receivedAt: string;
  /**
   * The gateway process holding the platform connection, stamped when the event is enqueued; the
   * worker publishes reply parts to it. Adapters leave it unset.
   */
  readonly gateway?: string;
  /** Stamped by the gateway once the event and its task are recorded in the inbox (see {@link InboxStamp}). */
  readonly inbox?: InboxStamp;
}

/**
 * What the gateway's inbox recorded for an event before the platform was told it arrived: the task it
 * made, the process whose lease holds it, and whether the box owes the platform a delivery of its
 * final reply after a crash (the outbox; a web client asks again with its Idempotency-Key instead).
 */
export interface InboxStamp {
  readonly taskId: string;
  /** The lease owner (`host:pid:boot`) that recorded the task `running`, or the one that recovered it. */
  readonly owner: string;
  readonly outbox: boolean;
  /** True when the task was recovered after the process working on it died. */
  readonly recovered?: boolean;
}
