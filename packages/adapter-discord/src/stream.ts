import {
  type Deferred,
  deferred,
  type Logger,
  PlatformError,
  type ReplyPart,
  sleep,
} from '@switchboard/core';
import type { DiscordAddress } from './address';
import type { CustomIds } from './custom-id';
import { isMessageGone, isTokenGone, toPlatformError } from './errors';
import { approvalButtons, approvalText, buttonRows } from './format';
import { layout, type ReplyState, type WantedMessage } from './layout';
import type { DiscordApi, MessageBody, Operation, PostedMessage } from './send';

/** Where one message of a reply lives, which decides how it can be edited. */
export type MessageRef =
  | { readonly via: 'original' }
  | { readonly via: 'followup'; readonly id: string }
  | { readonly via: 'channel'; readonly id: string; readonly channelId: string };

interface Segment {
  readonly ref: MessageRef;
  /** The start of the text this message shows. */
  readonly start: number;
  content: string;
  embedsKey: string;
  /** The end of the text this message shows. */
  shownEnd: number;
}

/** What the session needs from the adapter. */
export interface SessionDeps {
  readonly api: DiscordApi;
  readonly customIds: CustomIds;
  readonly logger: Logger;
  /** The adapter's clock, for the token-expiry decision. */
  readonly now: () => number;
  /** How long interaction tokens work (15 min), and how long before that to stop using one. */
  readonly tokenLifetimeMs: number;
  readonly tokenSafetyMs: number;
}

type Step =
  | { readonly kind: 'create'; readonly wanted: WantedMessage }
  | { readonly kind: 'edit'; readonly segment: Segment; readonly wanted: WantedMessage }
  | {
      readonly kind: 'approval';
      readonly part: Extract<ReplyPart, { type: 'approval-request' }>;
      /** A message showing only a status line, which becomes the prompt instead of a new message. */
      readonly reuse: Segment | undefined;
    };

interface Planned {
  readonly via: MessageRef['via'];
  readonly operation: Operation<PostedMessage | undefined>;
}

const MAX_FAILURES = 5;

/**
 * One streamed reply: the deferred interaction response edited as text arrives (paced by the
 * rate-limit headers), follow-ups past 2,000 characters, approval prompts as button messages, and
 * plain channel messages once the 15-minute interaction token nears its end.
 */
export class ReplySession {
  readonly #state: ReplyState = {
    text: '',
    status: undefined,
    meta: undefined,
    error: undefined,
    ended: false,
    frozenEnd: 0,
    barriers: [],
  };
  readonly #approvals: Extract<ReplyPart, { type: 'approval-request' }>[] = [];
  #active: Segment[] = [];
  #first: MessageRef | undefined;
  #originalUsed = false;
  #tokenDead = false;
  /** A last edit of a message reached through the token, made while the token still works. */
  #farewell: { readonly segment: Segment; readonly content: string } | undefined;
  #referenced = false;
  #wake: Deferred<void> | undefined;

  constructor(
    private readonly address: DiscordAddress,
    private readonly deps: SessionDeps,
  ) {}

  /** Consume `parts` up to the final one and deliver them. Resolves with the first message of the reply. */
  async run(parts: AsyncIterable<ReplyPart>, signal?: AbortSignal): Promise<MessageRef | undefined> {
    const pump = this.#pump(parts);
    try {
      await this.#render(signal);
    } finally {
      await pump;
    }
    return this.#first;
  }

  async #pump(parts: AsyncIterable<ReplyPart>): Promise<void> {
    try {
      for await (const part of parts) {
        this.#apply(part);
        if (this.#state.ended) break;
      }
    } catch (error) {
      this.deps.logger.warn({ err: String(error) }, 'discord: reply stream broke off');
      this.#state.error ??= 'The reply was interrupted; please ask again.';
    }
    this.#state.ended = true;
    this.#notify();
  }

  #apply(part: ReplyPart): void {
    const state = this.#state;
    switch (part.type) {
      case 'status':
        state.status = part.text;
        break;
      case 'text-delta':
        state.text += part.delta;
        break;
      case 'approval-request':
        state.barriers.push(state.text.length);
        this.#approvals.push(part);
        break;
      case 'reply-end':
        if (part.text.startsWith(state.text.slice(0, state.frozenEnd))) state.text = part.text;
        else state.text = `${state.text.slice(0, state.frozenEnd)}${part.text}`;
        state.meta = part.meta;
        state.ended = true;
        break;
      case 'error':
        state.error = part.message;
        state.ended = true;
        break;
    }
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.resolve();
  }

  #changed(): Promise<void> {
    this.#wake ??= deferred<void>();
    return this.#wake.promise;
  }

  #tokenUsable(): boolean {
    if (this.address.kind === 'message' || this.#tokenDead) return false;
    return this.deps.now() < this.address.receivedAt + this.deps.tokenLifetimeMs - this.deps.tokenSafetyMs;
  }

  #next(): Step | undefined {
    const wanted = layout(this.#state);
    for (const [index, want] of wanted.entries()) {
      const segment = this.#active[index];
      if (segment === undefined) return { kind: 'create', wanted: want };
      if (segment.content !== want.content || segment.embedsKey !== JSON.stringify(want.embeds)) {
        return { kind: 'edit', segment, wanted: want };
      }
    }
    const approval = this.#approvals[0];
    if (approval === undefined) return undefined;
    const last = this.#active.at(-1);
    const statusOnly =
      last !== undefined && last.shownEnd === last.start && wanted.length < this.#active.length;
    return { kind: 'approval', part: approval, reuse: statusOnly ? last : undefined };
  }

  async #render(signal?: AbortSignal): Promise<void> {
    let failures = 0;
    while (signal?.aborted !== true) {
      if (this.#farewell !== undefined) {
        await this.#sayFarewell(this.#farewell, signal);
        continue;
      }
      const step = this.#next();
      if (step === undefined) {
        if (this.#state.ended) return;
        await this.#changed();
        continue;
      }
      const editing = step.kind === 'edit' ? step.segment : step.kind === 'approval' ? step.reuse : undefined;
      if (editing !== undefined && editing.ref.via !== 'channel' && !this.#tokenUsable()) {
        this.#seal();
        continue;
      }
      const planned = this.#operation(step);
      const wait = this.deps.api.pacer.delayFor(planned.operation.lane);
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      try {
        const posted = await planned.operation.run(signal);
        this.#done(step, planned.via, posted);
        failures = 0;
      } catch (caught) {
        const error = toPlatformError(caught, 'reply');
        if (error.code === 'rate_limited') await sleep(Math.min(error.retryAfterMs ?? 1000, 60_000));
        else if (isTokenGone(error) && planned.via !== 'channel') {
          this.#tokenDead = true;
          this.#seal();
        } else if (isMessageGone(error) && step.kind === 'edit') {
          this.#active = this.#active.filter((segment) => segment !== step.segment);
        } else if (!error.retryable || ++failures >= MAX_FAILURES) {
          throw error;
        } else await sleep(Math.min(250 * 2 ** failures, 4000));
      }
    }
  }

  /**
   * Stop editing the messages reached through the token; the rest of the text continues after them.
   * When the token still works (the safety margin), a message that shows only a status line gets a last
   * edit saying the answer continues below.
   */
  #seal(): void {
    const lastTokenIndex = this.#active.findLastIndex((segment) => segment.ref.via !== 'channel');
    const last = this.#active[lastTokenIndex];
    const stillValid =
      !this.#tokenDead &&
      this.address.kind !== 'message' &&
      this.deps.now() < this.address.receivedAt + this.deps.tokenLifetimeMs;
    if (last !== undefined && stillValid && last.shownEnd === last.start)
      this.#farewell = { segment: last, content: '*The answer continues below.*' };
    if (lastTokenIndex >= 0) {
      this.#state.frozenEnd = Math.max(this.#state.frozenEnd, this.#active[lastTokenIndex]?.shownEnd ?? 0);
      this.#active = this.#active.slice(lastTokenIndex + 1);
    }
    this.#tokenDead = true;
  }

  async #sayFarewell(
    farewell: { readonly segment: Segment; readonly content: string },
    signal?: AbortSignal,
  ): Promise<void> {
    this.#farewell = undefined;
    const address = this.address as Extract<DiscordAddress, { token: string }>;
    const ref = farewell.segment.ref;
    const body = { content: farewell.content, embeds: [] };
    const operation =
      ref.via === 'original'
        ? this.deps.api.editOriginal(address.applicationId, address.token, body)
        : this.deps.api.editFollowUp(
            address.applicationId,
            address.token,
            ref.via === 'followup' ? ref.id : '',
            body,
          );
    try {
      await operation.run(signal);
    } catch (error) {
      this.deps.logger.debug(
        { err: String(error) },
        'discord: could not leave a note before the token expired',
      );
    }
  }

  #operation(step: Step): Planned {
    if (step.kind === 'edit') {
      return this.#edit(step.segment.ref, { content: step.wanted.content, embeds: step.wanted.embeds });
    }
    if (step.kind === 'approval') {
      const buttons = approvalButtons(step.part.approvalId, step.part.choices);
      const components = buttonRows(buttons, (button) =>
        this.deps.customIds.encode(button, this.address.userId),
      );
      const body = { content: approvalText(step.part.summary), components, embeds: [] };
      return step.reuse ? this.#edit(step.reuse.ref, body) : this.#create(body);
    }
    return this.#create({ content: step.wanted.content, embeds: step.wanted.embeds });
  }

  #edit(ref: MessageRef, body: MessageBody): Planned {
    const { api } = this.deps;
    if (ref.via === 'channel')
      return { via: 'channel', operation: api.editMessage(ref.channelId, ref.id, body) };
    const address = this.address as Extract<DiscordAddress, { token: string }>;
    if (ref.via === 'original') {
      return { via: 'original', operation: api.editOriginal(address.applicationId, address.token, body) };
    }
    return {
      via: 'followup',
      operation: api.editFollowUp(address.applicationId, address.token, ref.id, body),
    };
  }

  /** A new message: the deferred original first, then follow-ups, then (token gone) channel messages. */
  #create(body: MessageBody): Planned {
    const { api } = this.deps;
    const address = this.address;
    if (address.kind !== 'message' && this.#tokenUsable()) {
      if (address.kind === 'interaction' && !this.#originalUsed) {
        return { via: 'original', operation: api.editOriginal(address.applicationId, address.token, body) };
      }
      return { via: 'followup', operation: api.followUp(address.applicationId, address.token, body) };
    }
    const reference =
      address.kind === 'message' && !this.#referenced
        ? {
            message_reference: {
              message_id: address.messageId,
              channel_id: address.channelId,
              fail_if_not_exists: false,
            },
          }
        : {};
    return { via: 'channel', operation: api.createMessage(address.channelId, { ...body, ...reference }) };
  }

  #done(step: Step, via: MessageRef['via'], posted: PostedMessage | undefined): void {
    if (step.kind === 'edit') {
      step.segment.content = step.wanted.content;
      step.segment.embedsKey = JSON.stringify(step.wanted.embeds);
      step.segment.shownEnd = step.wanted.end;
      return;
    }
    const ref = step.kind === 'approval' && step.reuse ? step.reuse.ref : this.#refFor(via, posted);
    this.#first ??= ref;
    if (step.kind === 'approval') {
      this.#approvals.shift();
      const offset = this.#state.barriers.shift() ?? this.#state.text.length;
      this.#state.frozenEnd = Math.max(this.#state.frozenEnd, offset);
      this.#active = [];
      return;
    }
    this.#active.push({
      ref,
      start: step.wanted.start,
      content: step.wanted.content,
      embedsKey: JSON.stringify(step.wanted.embeds),
      shownEnd: step.wanted.end,
    });
  }

  #refFor(via: MessageRef['via'], posted: PostedMessage | undefined): MessageRef {
    if (via === 'original') {
      this.#originalUsed = true;
      return { via };
    }
    if (posted === undefined || typeof posted.id !== 'string') {
      throw new PlatformError({
        code: 'discord_no_message',
        message: 'Discord returned no message.',
        method: 'reply',
        retryable: false,
      });
    }
    if (via === 'followup') return { via, id: posted.id };
    this.#referenced = true;
    return { via, id: posted.id, channelId: posted.channel_id };
  }
}
