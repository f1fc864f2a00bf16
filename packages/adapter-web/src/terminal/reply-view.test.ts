import { PassThrough } from 'node:stream';
import { VirtualTerminal } from '@switchboard/testkit/terminal';
import { describe, expect, it } from 'vitest';
import { createPlainView, createTerminalView } from './reply-view';

function terminalOutput() {
  const terminal = new VirtualTerminal({ columns: 80, rows: 24 });
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => terminal.write(chunk.toString().replaceAll('\n', '\r\n')));
  const view = createTerminalView(output, () => ({ columns: 80, rows: 24 }));
  return { terminal, view };
}

function plainOutput() {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { view: createPlainView(output), text: () => text };
}

describe('the terminal view of a reply', () => {
  it('ends with the rendered answer and one line of facts', async () => {
    const { terminal, view } = terminalOutput();
    view.status('thinking on openai:gpt-4o-mini…');
    view.delta('It **works**');
    view.end('It **works**.', {
      model: 'openai:gpt-4o-mini',
      usage: { inputTokens: 10, outputTokens: 4 },
      timeToFirstTokenMs: 120,
      durationMs: 1500,
      costUsd: 0.0123,
    });
    await terminal.settled();
    expect(terminal.lines()).toEqual([
      'It works.',
      'openai:gpt-4o-mini · 10 in / 4 out tokens · first token 120 ms · 1.5 s · $0.01',
    ]);
  });

  it('shows an error after what came, and drops the status', async () => {
    const { terminal, view } = terminalOutput();
    view.delta('Half an ans');
    view.status('trying another model…');
    view.error('Every model failed. Try again in a minute.');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['Half an ans', '✖ Every model failed. Try again in a minute.']);
    expect(terminal.raw).toContain('\u001b[31m✖');
  });

  it('marks a cancelled answer', async () => {
    const { terminal, view } = terminalOutput();
    view.delta('Partial');
    view.cancelled();
    await terminal.settled();
    expect(terminal.lines()).toEqual(['Partial', '(cancelled)']);
  });
});

describe('the plain view of a reply', () => {
  it('prints text and facts without escape sequences or status lines', () => {
    const { view, text } = plainOutput();
    view.status('thinking…');
    view.delta('Hello');
    view.end('Hello there.', { model: 'openai:gpt-4o-mini' });
    view.error('It broke.');
    expect(text()).toBe('Hello there.\nopenai:gpt-4o-mini\nIt broke.\n');
  });

  it('prints the final text on its own line when it replaced what streamed', () => {
    const { view, text } = plainOutput();
    view.delta('A first try');
    view.end('The answer.', {});
    expect(text()).toBe('A first try\nThe answer.\n');
  });
});
