import { parseHtml } from '@switchboard/testkit/fake-telegram';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownToHtml, visibleText } from './format';

describe('markdownToHtml', () => {
  it('renders the Markdown models write as Telegram HTML', () => {
    expect(markdownToHtml('**bold** and *it* and _it_ and ~~gone~~ and `a<b>`')).toBe(
      '<b>bold</b> and <i>it</i> and <i>it</i> and <s>gone</s> and <code>a&lt;b&gt;</code>',
    );
    expect(markdownToHtml('# Title\n- one\n- two')).toBe('<b>Title</b>\n• one\n• two');
    expect(markdownToHtml('```ts\nconst a = 1 < 2;\n```')).toBe(
      '<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>',
    );
    expect(markdownToHtml('[site](https://example.com/?a=1&b=2)')).toBe(
      '<a href="https://example.com/?a=1&amp;b=2">site</a>',
    );
    expect(markdownToHtml('> quoted\n> more')).toBe('<blockquote>quoted\nmore</blockquote>');
  });

  it('leaves what it does not understand visible as written', () => {
    expect(markdownToHtml('snake_case_name and 2 * 3 * 4 and **open')).toBe(
      'snake_case_name and 2 * 3 * 4 and **open',
    );
    expect(markdownToHtml('[x](javascript:alert(1))')).toBe('[x](javascript:alert(1))');
    expect(markdownToHtml('\\*not italic\\*')).toBe('*not italic*');
  });

  it('closes a code block that is still being streamed', () => {
    expect(markdownToHtml('Look:\n```py\nprint(1)')).toBe(
      'Look:\n<pre><code class="language-py">print(1)</code></pre>',
    );
  });

  it('always produces HTML Telegram accepts, never longer to read than the Markdown', () => {
    const markdownish = fc.string({
      unit: fc.constantFrom(
        '*',
        '_',
        '~',
        '`',
        '[',
        ']',
        '(',
        ')',
        '<',
        '>',
        '&',
        '#',
        '-',
        '\\',
        ' ',
        '\n',
        'a',
        'b',
        'é',
        '😀',
        'http://x.y',
        '```',
      ),
      maxLength: 300,
    });
    fc.assert(
      fc.property(markdownish, (markdown) => {
        const html = markdownToHtml(markdown);
        const parsed = parseHtml(html);
        expect(parsed.text).toBe(visibleText(html));
        expect(parsed.text.length).toBeLessThanOrEqual(markdown.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('renders a pathological line in bounded time (as plain text if need be)', () => {
    const line = '*_'.repeat(2000);
    const started = performance.now();
    const html = markdownToHtml(line);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(parseHtml(html).text.length).toBeLessThanOrEqual(line.length);
  });
});
