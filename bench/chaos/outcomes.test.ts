import { describe, expect, it } from 'vitest';
import { markedAnswer } from '../../packages/testkit/src/fake-openai/index';
import { messageState, type Observation, observeMessages, tallyPlatform, verdictOf } from './outcomes';

const answer = markedAnswer('req-o1-t1');
const observation = (fields: Partial<Observation>): Observation => ({
  answers: 0,
  notices: 0,
  unfinished: 0,
  gaveUp: false,
  pending: false,
  ...fields,
});

describe('reading what a user saw', () => {
  it('tells the whole answer from part of it, a placeholder, a status line and a notice', () => {
    expect(messageState(answer.text, answer)).toBe('answer');
    expect(messageState(`${answer.text}\n\n— openai:chaos-model`, answer)).toBe('answer');
    expect(messageState(answer.text.slice(0, 40), answer)).toBe('unfinished');
    expect(messageState('…', answer)).toBe('unfinished');
    expect(messageState('', answer)).toBe('unfinished');
    expect(messageState('*thinking on openai:chaos-model…*', answer)).toBe('unfinished');
    expect(messageState('The box restarted while answering; please ask again.', answer)).toBe('notice');
    expect(messageState(markedAnswer('req-o1-t2').text, answer)).toBe('notice');
  });

  it('counts a whole answer in a stream still open as unfinished', () => {
    expect(messageState(answer.text, answer, true)).toBe('unfinished');
  });

  it('sums message states into an observation', () => {
    expect(observeMessages(['answer', 'unfinished', 'notice'], { gaveUp: false, pending: true })).toEqual(
      observation({ answers: 1, notices: 1, unfinished: 1, pending: true }),
    );
  });
});

describe('verdicts and tallies', () => {
  it('gives each request one verdict: one final, duplicate, no final, or the platform gave up', () => {
    expect(verdictOf(observation({ answers: 1, unfinished: 2 }))).toBe('one-final');
    expect(verdictOf(observation({ notices: 1 }))).toBe('one-final');
    expect(verdictOf(observation({ answers: 1, notices: 1 }))).toBe('duplicate');
    expect(verdictOf(observation({ answers: 2 }))).toBe('duplicate');
    expect(verdictOf(observation({ unfinished: 1 }))).toBe('no-final');
    expect(verdictOf(observation({ gaveUp: true }))).toBe('gave-up');
    expect(verdictOf(observation({ gaveUp: true, answers: 1 }))).toBe('one-final');
  });

  it('tallies a platform: verdicts, notices, unfinished messages and re-runs', () => {
    const tally = tallyPlatform('slack', [
      { observation: observation({ answers: 1 }), modelCalls: 1 },
      { observation: observation({ notices: 1, unfinished: 1 }), modelCalls: 2 },
      { observation: observation({ answers: 2 }), modelCalls: 3 },
      { observation: observation({ unfinished: 1 }), modelCalls: 1 },
      { observation: observation({ gaveUp: true }), modelCalls: 0 },
    ]);
    expect(tally).toEqual({
      platform: 'slack',
      requests: 5,
      oneFinal: 2,
      notices: 1,
      duplicates: 1,
      noFinal: 1,
      gaveUp: 1,
      unfinishedMessages: 2,
      reruns: 3,
    });
  });
});
