import { createLogger } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { boltLogger } from './bolt-logger';

describe('boltLogger', () => {
  it('logs any part Bolt hands it without throwing, even a Slack body whose keys break String()', () => {
    const logger = boltLogger(createLogger({ level: 'silent' }));
    const hostile = JSON.parse('{"toString": 5, "valueOf": {"a": 1}}') as unknown;
    for (const log of [logger.debug, logger.info, logger.warn, logger.error]) {
      expect(() => log('received', hostile, new Error('x'), 7, null)).not.toThrow();
    }
  });
});
