import { describe, expect, it } from 'vitest';
import { patternInWords } from './pattern-words';
import { readSchedule } from './when';

// 2026-12-07 10:30 UTC, a Monday.
const NOW = Date.parse('2026-12-07T10:30:00Z');
const read = (text: string, zone = 'UTC') => readSchedule(text, NOW, zone);

describe('reading when a schedule runs, in the words people use', () => {
  it.each([
    ['every day at 9:00 say good morning', '0 9 * * *', 'say good morning'],
    ['daily at 7 check the backups', '0 7 * * *', 'check the backups'],
    ['every weekday at 8:30am post the stand-up', '30 8 * * 1-5', 'post the stand-up'],
    ['every weekend at 10pm water the plants', '0 22 * * 0,6', 'water the plants'],
    ['every monday at 18:00 plan the week', '0 18 * * 1', 'plan the week'],
    ['every Mon, Wed and Fri at 12:15 p.m. stretch', '15 12 * * 1,3,5', 'stretch'],
    ['every sundays at 12am rotate the logs', '0 0 * * 0', 'rotate the logs'],
    ['every 15m check the queue', '*/15 * * * *', 'check the queue'],
    ['every 2 hours summarise the inbox', '0 */2 * * *', 'summarise the inbox'],
    ['every 120 minutes summarise the inbox', '0 */2 * * *', 'summarise the inbox'],
    ['every hour ping the server', '0 * * * *', 'ping the server'],
    ['hourly ping the server', '0 * * * *', 'ping the server'],
  ])('%s → %s', (text, pattern, prompt) => {
    expect(read(text)).toEqual({ pattern, timeZone: 'UTC', prompt });
  });

  it('keeps the prompt whole and takes a time zone after the time', () => {
    expect(read('every day at 9:00 tz:Europe/Berlin say good morning')).toEqual({
      pattern: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      prompt: 'say good morning',
    });
  });

  it('reads "at 18:00" as the next such time in the zone, today or tomorrow', () => {
    expect(read('at 18:00 call mum')).toEqual({
      pattern: '2026-12-07T18:00',
      timeZone: 'UTC',
      prompt: 'call mum',
    });
    expect(read('at 9am stand up')).toMatchObject({ pattern: '2026-12-08T09:00' });
    expect(read('at 11:00 tz:Europe/Berlin lunch')).toMatchObject({
      pattern: '2026-12-08T11:00',
      timeZone: 'Europe/Berlin',
    });
    expect(read('at 2026-12-24T18:00 light the candles')).toMatchObject({ pattern: '2026-12-24T18:00' });
  });

  it.each([
    ['every day at 25:00 wake up', '25:00 is not a time of day'],
    ['every day at 13pm wake up', '13pm is not a time of day'],
    ['every 7m poll', 'every 7m does not divide the hour evenly'],
    ['every 5h poll', 'does not divide the day'],
    ['every day at 9:00', 'What should I do then?'],
    ['every day at 9 tz:Mars/Olympus hi', 'Mars/Olympus is not a time zone'],
  ])('says what is wrong with "%s"', (text, problem) => {
    expect(read(text)).toMatchObject({ problem: expect.stringContaining(problem) });
  });

  it('reads "in 10 minutes" as well as "in 10m"', () => {
    expect(read('in 10 minutes stretch')).toEqual({
      pattern: '2026-12-07T10:40:00',
      timeZone: 'UTC',
      prompt: 'stretch',
    });
    expect(read('in 2 hours eat')).toMatchObject({ pattern: '2026-12-07T12:30:00', prompt: 'eat' });
    expect(read('in 1 day renew')).toMatchObject({ pattern: '2026-12-08T10:30:00', prompt: 'renew' });
    expect(read('in 5m tea')).toMatchObject({ pattern: '2026-12-07T10:35:00', prompt: 'tea' });
    expect(read('in 5 mice run')).toMatchObject({ problem: expect.stringContaining('could not read when') });
  });

  it('leaves words that only look like a time alone', () => {
    expect(read('every month at 9 pay rent')).toMatchObject({
      problem: expect.stringContaining('could not read when'),
    });
    expect(read('everyday tasks')).toMatchObject({ problem: expect.stringContaining('could not read when') });
  });
});

describe("a schedule's pattern in words", () => {
  it.each([
    ['0 9 * * *', 'every day at 09:00'],
    ['30 8 * * 1-5', 'every weekday at 08:30'],
    ['0 22 * * 0,6', 'every weekend at 22:00'],
    ['15 12 * * 1,3,5', 'every Monday, Wednesday, Friday at 12:15'],
    ['0 0 * * 7', 'every Sunday at 00:00'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['* * * * *', 'every minute'],
    ['0 * * * *', 'every hour'],
    ['0 */2 * * *', 'every 2 hours'],
  ])('%s reads as %s', (pattern, words) => {
    expect(patternInWords(pattern)).toBe(words);
  });

  it('leaves other patterns as written', () => {
    for (const pattern of ['0 9 1 * *', '0 9 * 12 *', '0 9 * * MON', '*/5 9-17 * * 1-5', '0 0 9 * * *'])
      expect(patternInWords(pattern)).toBeUndefined();
  });
});
