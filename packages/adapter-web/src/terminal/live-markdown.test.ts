import { VirtualTerminal } from '@switchboard/testkit/terminal';
import { describe, expect, it } from 'vitest';
import { LiveMarkdown } from './live-markdown';
import { createMarkdownRenderer } from './markdown';

const ANSWER = [
  '# Plan',
  '',
  'Some **bold** words and `inline code`, then a list:',
  '',
  '- first *item*',
  '- second item',
  '',
  '```js',
  'const a = 1;',
  '',
  'const b = 2;',
  '```',
  '',
  '| name | value |',
  '| ---- | ----- |',
  '| x    | 1     |',
  '',
  'A closing paragraph that is long enough to wrap on a narrow screen of forty columns, twice over.',
].join('\n');

function draw(size: { columns: number; rows: number }) {
  const terminal = new VirtualTerminal(size);
  const live = new LiveMarkdown({
    write: (text) => terminal.write(text.replaceAll('\n', '\r\n')),
    render: createMarkdownRenderer(size.columns),
    size: () => size,
  });
  return { terminal, live };
}

function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

async function renderedAtOnce(size: { columns: number; rows: number }, markdown: string): Promise<string> {
  const terminal = new VirtualTerminal(size);
  terminal.write(`${createMarkdownRenderer(size.columns)(markdown).trimEnd()}\r\n`.replaceAll('\n', '\r\n'));
  await terminal.settled();
  return terminal.text();
}

describe('a streamed markdown answer on a terminal', () => {
  for (const chunkSize of [1, 3, 17, ANSWER.length]) {
    it(`ends with the same screen as the answer rendered at once (deltas of ${chunkSize})`, async () => {
      const size = { columns: 40, rows: 60 };
      const { terminal, live } = draw(size);
      for (const piece of chunks(ANSWER, chunkSize)) live.append(piece);
      live.finish(ANSWER);
      await terminal.settled();
      expect(terminal.text()).toBe(await renderedAtOnce(size, ANSWER));
      expect(terminal.text()).not.toContain('**');
      expect(terminal.text()).toContain('Some bold words');
    });
  }

  it('shows finished blocks rendered while the next one still streams', async () => {
    const { terminal, live } = draw({ columns: 60, rows: 20 });
    live.append('First **done** paragraph.\n\nSecond **still');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['First done paragraph.', '', 'Second **still']);
  });

  it('shows a status line until text replaces it, and the next status replaces the last', async () => {
    const { terminal, live } = draw({ columns: 60, rows: 20 });
    live.status('thinking on openai:gpt-4o-mini…');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['thinking on openai:gpt-4o-mini…']);
    live.append('Hello');
    live.status('running shell…');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['Hello', 'running shell…']);
    live.append(' there.');
    live.finish('Hello there.');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['Hello there.']);
  });

  it('cuts a status line to the width, so clearing it leaves nothing behind', async () => {
    const { terminal, live } = draw({ columns: 20, rows: 10 });
    live.status('a status line much longer than twenty columns');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['a status line much…']);
    live.append('ok');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['ok']);
  });

  it('leaves a block taller than the screen raw, printing every line once', async () => {
    const size = { columns: 40, rows: 8 };
    const { terminal, live } = draw(size);
    const code = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`);
    const answer = `Intro **text**.\n\n\`\`\`\n${code.join('\n')}\n\`\`\`\n\nAfter **it**.`;
    for (const piece of chunks(answer, 4)) live.append(piece);
    live.finish(answer);
    await terminal.settled();
    const lines = terminal.lines();
    for (const line of code) expect(lines.filter((shown) => shown.trim() === line)).toHaveLength(1);
    expect(lines[0]).toBe('Intro text.');
    expect(lines.at(-1)).toBe('After it.');
  });

  it('prints the final answer after what streamed when the box replaced it', async () => {
    const { terminal, live } = draw({ columns: 60, rows: 20 });
    live.append('A first try that failed');
    live.finish('The **real** answer.');
    await terminal.settled();
    expect(terminal.lines()).toEqual(['The final answer:', 'The real answer.']);
  });

  it('never writes escape sequences or control characters that came from the model', () => {
    const written: string[] = [];
    const live = new LiveMarkdown({
      write: (text) => written.push(text),
      render: (markdown) => markdown,
      size: () => ({ columns: 80, rows: 24 }),
    });
    live.append('\u001b]0;owned\u0007\u001b[2Jhello\u0008');
    live.finish('\u001b]0;owned\u0007\u001b[2Jhello\u0008');
    const output = written.join('');
    expect(output).not.toContain('\u001b]0;');
    expect(output).not.toContain('\u001b[2J');
    expect(output).not.toContain('\u0007');
    expect(output).not.toContain('\u0008');
    expect(output).toContain('hello');
  });
});
