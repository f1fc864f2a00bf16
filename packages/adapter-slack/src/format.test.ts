import { describe, expect, it } from 'vitest';
import { fromSlackText, neutraliseMarkdown, splitMrkdwn, stripMention, toMrkdwn } from './format';

describe('toMrkdwn', () => {
  it('converts bold, italic, strike-through, headings and links', () => {
    expect(toMrkdwn('**bold** and *italic* and ~~gone~~')).toBe('*bold* and _italic_ and ~gone~');
    expect(toMrkdwn('__also bold__ and _kept italic_')).toBe('*also bold* and _kept italic_');
    expect(toMrkdwn('## A **heading**')).toBe('*A heading*');
    expect(toMrkdwn('see [the docs](https://example.com/a?b=1&c=2)')).toBe(
      'see <https://example.com/a?b=1&amp;c=2|the docs>',
    );
    expect(toMrkdwn('<https://example.com>')).toBe('<https://example.com>');
    expect(toMrkdwn('a [label](javascript:alert(1)) stays text')).toBe(
      'a [label](javascript:alert(1)) stays text',
    );
  });

  it('turns lists into bullets, keeping numbers and nesting', () => {
    expect(toMrkdwn('- one\n- two\n  - nested\n* star\n1. first\n2) second')).toBe(
      '• one\n• two\n    ◦ nested\n• star\n1. first\n2. second',
    );
    expect(toMrkdwn('- [ ] todo\n- [x] done')).toBe('• ☐ todo\n• ☑ done');
  });

  it('keeps code literal: no formatting inside, language tags dropped, unclosed fences closed', () => {
    expect(toMrkdwn('use `a **b** <c>` here')).toBe('use `a **b** &lt;c&gt;` here');
    expect(toMrkdwn('```ts\nconst a = b && c < d;\n**not bold**\n```')).toBe(
      '```\nconst a = b &amp;&amp; c &lt; d;\n**not bold**\n```',
    );
    expect(toMrkdwn('```js\nstill streaming')).toBe('```\nstill streaming\n```');
    expect(toMrkdwn('```inline code```')).toBe('```inline code```');
  });

  it('escapes &, <, > and never lets model text ping anyone', () => {
    expect(toMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    for (const ping of [
      '<!channel>',
      '<!here>',
      '<!everyone>',
      '<@U123ABC>',
      '<!subteam^S1|@team>',
      '<#C123>',
    ]) {
      const out = toMrkdwn(`hey ${ping} now`);
      expect(out).not.toContain(ping);
      expect(out).not.toMatch(/<[!@#]/);
    }
    expect(toMrkdwn('@here and @channel and @everyone')).not.toMatch(/@(here|channel|everyone)/);
    expect(toMrkdwn('[<!channel>](https://x.test)')).not.toContain('<!channel>');
  });

  it('keeps blockquotes and snake_case words', () => {
    expect(toMrkdwn('> quoted **text**')).toBe('> quoted *text*');
    expect(toMrkdwn('call my_function_name now')).toBe('call my_function_name now');
    expect(toMrkdwn('2 * 3 * 4')).toBe('2 * 3 * 4');
  });
});

describe('Slack text in and out', () => {
  it('reads mentions, channels, links and entities as plain text', () => {
    expect(
      fromSlackText(
        'hi <@U1|ann> in <#C1|general>: <https://x.test|docs> &amp; <https://y.test> &lt;3 <!here>',
      ),
    ).toBe('hi @ann in #general: docs (https://x.test) & https://y.test <3 @here');
  });

  it('strips the bot mention', () => {
    expect(stripMention('<@U0BOT> what is   up <@U0BOT|bot>', 'U0BOT')).toBe('what is up');
  });

  it('neutralises mentions in streamed Markdown', () => {
    expect(neutraliseMarkdown('<!here> <@U1> <#C1> @channel')).not.toMatch(/<[!@#]|@channel/);
  });

  it('splits long mrkdwn without cutting entities or links', () => {
    const text = `${'word '.repeat(30)}&amp;&amp; <https://example.com/${'x'.repeat(30)}|link> end`;
    for (const max of [20, 37, 50, 64, 100]) {
      const pieces = splitMrkdwn(text, max);
      expect(pieces.every((piece) => piece.length <= max)).toBe(true);
      for (const piece of pieces) expect(piece).not.toMatch(/&[a-z]{0,3}$/);
    }
    expect(splitMrkdwn('short', 100)).toEqual(['short']);
  });
});
