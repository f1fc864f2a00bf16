import type { ChatMessage } from '@switchboard/core';
import type { TaskStepRecord, TaskStepStore, TaskStore } from '@switchboard/memory';
import type { ToolRound } from '../loop/tool-loop';

/** Where a task interrupted by a restart picks up: the conversation so far and the round to run again. */
export interface ResumePoint {
  /** The call's messages followed by every finished round (the model's calls and their recorded results). */
  readonly messages: readonly ChatMessage[];
  /** The last round the task recorded: its calls run again, finished steps replayed from the record. */
  readonly round: ToolRound;
  /** The task's recorded steps, by step. */
  readonly recorded: ReadonlyMap<number, TaskStepRecord>;
}

const NO_OUTPUT = 'This step left no output before the box restarted.';

/**
 * The resume point of a task from its `tool-round` events and its step records, or `undefined` when it
 * had not called a tool (then the question is simply asked again).
 */
export async function resumePoint(
  store: TaskStore & TaskStepStore,
  taskId: string,
  base: readonly ChatMessage[],
): Promise<ResumePoint | undefined> {
  const byFirstStep = new Map<number, ToolRound>();
  for (const event of await store.listTaskEvents(taskId)) {
    if (event.type !== 'tool-round') continue;
    const round = event.data as ToolRound;
    byFirstStep.set(round.firstStep, round);
  }
  const rounds = [...byFirstStep.values()].sort((a, b) => a.firstStep - b.firstStep);
  const last = rounds.at(-1);
  if (last === undefined) return undefined;
  const recorded = new Map((await store.listSteps(taskId)).map((step) => [step.step, step]));
  const messages: ChatMessage[] = [...base];
  for (const round of rounds.slice(0, -1)) {
    messages.push({ role: 'assistant', content: round.text, toolCalls: round.toolCalls });
    round.toolCalls.forEach((call, index) => {
      const content = recorded.get(round.firstStep + index)?.output ?? NO_OUTPUT;
      messages.push({ role: 'tool', toolCallId: call.id, content });
    });
  }
  return { messages, round: last, recorded };
}
