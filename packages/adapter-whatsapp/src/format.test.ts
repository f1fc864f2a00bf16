import { describe, expect, it } from 'vitest';
import { toWhatsApp } from './format';

describe('Markdown to WhatsApp formatting', () => {
  it('converts bold, italic, strike-through, headings, bullets and links', () => {
    const markdown = [
      '# Plan',
      'This is **important** and *subtle*, _also subtle_, ~~gone~~.',
      '* first',
      '+ second',
      '1. numbered',
      'See [the docs](https://example.com/docs).',
    ].join('\n');
    expect(toWhatsApp(markdown)).toBe(
      [
        '*Plan*',
        'This is *important* and _subtle_, _also subtle_, ~gone~.',
        '- first',
        '- second',
        '1. numbered',
        'See the docs (https://example.com/docs).',
      ].join('\n'),
    );
  });

  it('leaves code alone: fences lose their language tag, inline code keeps its stars', () => {
    const markdown = ['Run `a **b** c`:', '```python', 'print("**not bold**")', '```'].join('\n');
    expect(toWhatsApp(markdown)).toBe(['Run `a **b** c`:', '```', 'print("**not bold**")', '```'].join('\n'));
  });

  it('never makes a text longer (the split at 4,096 characters holds)', () => {
    const samples = ['[https://a.b](https://a.b)', '**x**', '# h', 'a * b * c', '---', '```\ncode'];
    for (const sample of samples) expect(toWhatsApp(sample).length).toBeLessThanOrEqual(sample.length);
  });
});
