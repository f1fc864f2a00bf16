import { type ChatMessage, deadlineSignal, type PriceTable, type ToolCall } from '@switchboard/core';
import type {
  ApprovalStore,
  TaskStepRecord,
  TaskStepStore,
  TaskStore,
  ToolPinStore,
} from '@switchboard/memory';
import { decideToolCall, type ToolRole, toolCallHash } from '@switchboard/tools';
import type { ReplyChannel } from '../replies';
import { forModel, type ToolServices } from '../tools/tool-services';
import { askApproval } from './approval-gate';
import { checkDefinitionPin } from './definition-pin';
import type { ToolGuards } from './guards';

/** What running tool calls needs, for one task. */
export interface ToolStepContext {
  readonly tools: ToolServices;
  readonly store: ApprovalStore & TaskStore & TaskStepStore & ToolPinStore;
  readonly reply: ReplyChannel;
  readonly task: { readonly id: string; readonly conversationKey: string; readonly authorId: string };
  readonly role: ToolRole;
  readonly guards: ToolGuards;
  /** Prices of the models, for the task's cost cap. */
  readonly prices: PriceTable;
  readonly now: () => number;
  readonly signal: AbortSignal;
  /** The steps an earlier run of this task recorded, by step (a task resumed after a restart). */
  readonly recorded?: ReadonlyMap<number, TaskStepRecord>;
}

/**
 * How one call went: the `tool` message for the model, the guard limit it would have passed, or a side
 * effect that had started before a restart and is not safe to repeat (the task ends `failed`).
 */
export type StepOutcome =
  | { readonly kind: 'result'; readonly message: ChatMessage; readonly failed: boolean }
  | { readonly kind: 'stopped'; readonly limit: string }
  | { readonly kind: 'interrupted'; readonly tool: string; readonly summary: string };

const result = (call: ToolCall, text: string, failed: boolean): StepOutcome => ({
  kind: 'result',
  message: { role: 'tool', toolCallId: call.id, content: forModel(text) },
  failed,
});

/**
 * One tool call of the model: parse it with the tool's schema, pass the guards, let the policy decide
 * (allow / ask / deny, in code), wait for an approval bound to these exact arguments when asked, run
 * it with the task's signal, and report each step as a task event. A denied, expired or failed call is
 * a result the model reads; it never runs the tool.
 */
export async function runToolCall(
  context: ToolStepContext,
  call: ToolCall,
  step: number,
): Promise<StepOutcome> {
  const { tools, store, task } = context;
  const parsed = tools.registry.parse(call);
  const limit = context.guards.admit(call.name, parsed.ok ? parsed.input : call.arguments);
  if (limit !== undefined) return { kind: 'stopped', limit };
  if (!parsed.ok) {
    await store.appendTaskEvent(task.id, 'tool-call', { step, tool: call.name, error: parsed.code });
    return result(call, parsed.message, true);
  }
  const { tool, input } = parsed;
  const callHash = toolCallHash(tool.name, input);
  const earlier = context.recorded?.get(step);
  if (earlier !== undefined && (earlier.status === 'done' || tool.risk !== 'read'))
    return replay(context, call, step, earlier, callHash, tool.summarize(input));
  const pinned = await checkDefinitionPin(context, tool, step);
  if (pinned.kind === 'off') {
    await store.appendTaskEvent(task.id, 'tool-call', { step, tool: tool.name, error: 'tool_changed' });
    return result(call, pinned.text, true);
  }
  const granted =
    tool.risk === 'write' ? new Set(await store.conversationGrants(task.conversationKey)) : undefined;
  const decision = decideToolCall(
    { tool, role: context.role, ...(granted ? { granted } : {}) },
    tools.policy,
  );
  const summary = tool.summarize(input);
  await store.appendTaskEvent(task.id, 'tool-call', {
    step,
    tool: tool.name,
    arguments: input,
    summary,
    decision: decision.kind,
    reason: decision.reason,
  });
  if (decision.kind === 'deny') return result(call, `Not allowed: ${decision.reason}. It did not run.`, true);
  if (decision.kind === 'ask') {
    const outcome = await askApproval({
      store,
      waiters: tools.waiters,
      reply: context.reply,
      task,
      toolName: tool.name,
      risk: tool.risk,
      input,
      summary,
      step,
      ttlMs: tools.approvalTtlMs,
      now: context.now,
      signal: context.signal,
    });
    if (outcome.kind === 'denied')
      return result(call, `${outcome.by} denied this call; it did not run.`, true);
    if (outcome.kind === 'expired')
      return result(call, 'Nobody approved this call in time; it did not run.', true);
  }
  const key = { taskId: task.id, step, toolName: tool.name, callHash, risk: tool.risk };
  const claim = await store.startStep(key);
  if (claim.kind === 'recorded' && (claim.step.status === 'done' || tool.risk !== 'read'))
    return replay(context, call, step, claim.step, callHash, summary);
  if (pinned.pin !== undefined)
    await store.pinTool({
      toolName: tool.name,
      definitionHash: pinned.pin.hash,
      definition: { description: pinned.pin.description, parameters: pinned.pin.parameters },
    });
  await context.reply.send({ type: 'status', text: `running ${tool.name}: ${summary}…` });
  const limited = deadlineSignal(context.signal, context.guards.remainingMs());
  let text: string;
  let failed: boolean;
  try {
    const output = await tool.run(input, {
      signal: limited.signal,
      workspace: tools.workspace,
      taskId: task.id,
      step,
    });
    text = output.text;
    failed = output.isError === true;
  } catch (error) {
    text = `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`;
    failed = true;
  } finally {
    limited.dispose();
  }
  await store.finishStep(task.id, step, forModel(text), failed);
  await store.appendTaskEvent(task.id, 'tool-result', {
    step,
    tool: tool.name,
    failed,
    characters: text.length,
    preview: text.slice(0, 500),
  });
  return result(call, text, failed);
}

/**
 * A step whose idempotency key `(task, step)` was taken before (by this task before a restart): a
 * finished step of the same call gives the model its recorded output without running again; a side
 * effect that started but never finished is not repeated (it may have happened), and a different call
 * under a taken key never runs.
 */
async function replay(
  context: ToolStepContext,
  call: ToolCall,
  step: number,
  earlier: TaskStepRecord,
  callHash: string,
  summary: string,
): Promise<StepOutcome> {
  const { store, task } = context;
  if (earlier.callHash !== callHash) {
    await store.appendTaskEvent(task.id, 'tool-call', { step, tool: call.name, error: 'step_taken' });
    return result(
      call,
      'This step already ran a different call before a restart; this one did not run.',
      true,
    );
  }
  if (earlier.status !== 'done') return { kind: 'interrupted', tool: earlier.toolName, summary };
  await store.appendTaskEvent(task.id, 'tool-replayed', { step, tool: earlier.toolName });
  return result(call, earlier.output ?? '', earlier.failed);
}
