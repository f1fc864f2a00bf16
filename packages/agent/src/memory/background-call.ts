import { randomUUID } from 'node:crypto';
import { type ChatMessage, costOf, type LanguageModel, type ModelRef } from '@switchboard/core';
import type { AgentServices } from '../services';

/** One model call the agent makes on its own after answering (a rolling summary, fact extraction). */
export interface BackgroundCall {
  /** The task's event id: a second call with the same id does nothing (redelivery, two workers). */
  readonly eventId: string;
  readonly conversationKey: string;
  /** The person whose question led to it; the task (and its cost) is theirs. */
  readonly authorId: string;
  /** The task's command, e.g. `summarize` or `extract`. */
  readonly command: string;
  /** What it makes, naming its failure: event `<what>-failed`, error code `<what>_failed`. */
  readonly what: string;
  readonly model: LanguageModel;
  /** Why this model, for the task's record. */
  readonly routeReason: string;
  readonly messages: ChatMessage[];
  readonly maxOutputTokens: number;
}

/** A background call that answered: its text, and how to end its task once the answer is stored. */
export interface BackgroundAnswer {
  readonly taskId: string;
  readonly text: string;
  /** End the task `succeeded`, with one event saying what was done with the answer. */
  succeed(eventType: string, data: unknown): Promise<void>;
}

/**
 * Run `call` as a task of its own (model, tokens, cost, events), like any answer. Returns undefined when
 * the task already exists, or when the model failed or said nothing (the task then ends `failed` with a
 * `<what>-failed` event).
 */
export async function runBackgroundCall(
  services: AgentServices,
  call: BackgroundCall,
): Promise<BackgroundAnswer | undefined> {
  const { store } = services;
  const taskId = randomUUID();
  const begun = await store.beginTask({
    id: taskId,
    eventId: call.eventId,
    conversationKey: call.conversationKey,
    authorId: call.authorId,
    command: call.command,
  });
  if (begun.status === 'duplicate') return undefined;
  await store.updateTask(taskId, { model: call.model.ref, routeReason: call.routeReason });
  const started = services.now();
  let text = '';
  let usage = { inputTokens: 0, outputTokens: 0 };
  let failure: string | undefined;
  const request = { messages: call.messages, maxOutputTokens: call.maxOutputTokens, temperature: 0 };
  try {
    for await (const part of call.model.stream(request, new AbortController().signal)) {
      if (part.type === 'text-delta') text += part.delta;
      if (part.type === 'finish') usage = part.usage;
      if (part.type === 'error') failure = part.error.message;
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const ended = () => ({ durationMs: services.now() - started, finishedAt: new Date(), ...usage });
  const costUsd = costOf(call.model.ref as ModelRef, usage, services.prices) ?? 0;
  if (failure !== undefined || text.trim().length === 0) {
    await store.appendTaskEvent(taskId, `${call.what}-failed`, { reason: failure ?? 'empty answer' });
    await store.updateTask(taskId, {
      status: 'failed',
      errorCode: `${call.what}_failed`,
      costUsd,
      ...ended(),
    });
    return undefined;
  }
  return {
    taskId,
    text: text.trim(),
    async succeed(eventType, data) {
      await store.appendTaskEvent(taskId, eventType, data);
      await store.updateTask(taskId, { status: 'succeeded', costUsd, ...ended() });
    },
  };
}
