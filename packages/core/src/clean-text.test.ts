import { describe, expect, it } from 'vitest';
import { cleanText, cleanValue } from './clean-text';
import { describeErrorBriefly } from './errors';

describe('cleanText', () => {
  it('removes NUL and keeps everything else', () => {
    expect(cleanText('a\u0000b\u0000')).toBe('ab');
    expect(cleanText('héllo 👋 \\u0000')).toBe('héllo 👋 \\u0000');
  });

  it('cleans every string of a JSON value, keys included, and keeps dates and numbers', () => {
    const at = new Date(0);
    expect(cleanValue({ 'k\u0000': ['x\u0000y', 1, null, { at }], n: 2 })).toEqual({
      k: ['xy', 1, null, { at }],
      n: 2,
    });
  });
});

describe('describeErrorBriefly', () => {
  it("keeps a database error's own words and never the query's parameters", () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
    });
    const error = new Error('Failed query: insert into messages values ($1)\nparams: my secret question', {
      cause,
    });
    const brief = describeErrorBriefly(error);
    expect(brief).toBe('invalid byte sequence for encoding "UTF8": 0x00');
    expect(brief).not.toContain('secret');
    expect(describeErrorBriefly(new Error(`${'x'.repeat(500)}\nsecond line`))).toHaveLength(241);
  });
});
