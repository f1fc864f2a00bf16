import { describe, expect, it } from 'vitest';
import { splitBlocks } from './markdown';
import { fitLine, rowsOf, sanitize } from './screen';

describe('screen arithmetic', () => {
  it('counts the rows text takes, wide characters and exact fits included', () => {
    expect(rowsOf('hello', 10)).toBe(1);
    expect(rowsOf('0123456789', 10)).toBe(1);
    expect(rowsOf('0123456789a', 10)).toBe(2);
    expect(rowsOf('one\ntwo\n', 10)).toBe(3);
    expect(rowsOf('日本語日本', 10)).toBe(1);
    expect(rowsOf('日本語日本語', 10)).toBe(2);
  });

  it('cuts a line to fit, with an ellipsis', () => {
    expect(fitLine('short', 20)).toBe('short');
    expect(fitLine('a line far too long for it', 10)).toBe('a line f…');
    expect(fitLine('two\nlines', 20)).toBe('two lines');
  });

  it('drops control characters but keeps newlines and tabs', () => {
    expect(sanitize('a\r\nb\tc\u001b[31md\u0007\u009b')).toBe('a\nb\tc[31md');
  });
});

describe('splitting streamed markdown into finished blocks', () => {
  it('keeps the last block open until another starts', () => {
    expect(splitBlocks('Hello').complete).toBe(0);
    expect(splitBlocks('Hello\n\n').complete).toBe(0);
    expect(splitBlocks('Hello\n\nWor').complete).toBe('Hello\n\n'.length);
  });

  it('keeps a code block open until its fence closed and something follows', () => {
    const open = 'Intro\n\n```\ncode\n\nmore';
    expect(splitBlocks(open).complete).toBe('Intro\n\n'.length);
    const closed = `${open}\n\`\`\`\n\nAfter`;
    expect(splitBlocks(closed).complete).toBe(closed.length - 'After'.length);
  });

  it('keeps a list open while items may follow', () => {
    expect(splitBlocks('- a\n- b\n\n').complete).toBe(0);
    expect(splitBlocks('- a\n- b\n\nText').complete).toBe('- a\n- b\n\n'.length);
  });

  it('gives the end of the first block with the blank lines after it', () => {
    expect(splitBlocks('One\n\n\nTwo').firstBlock).toBe('One\n\n\n'.length);
    expect(splitBlocks('Only').firstBlock).toBe(4);
  });
});
