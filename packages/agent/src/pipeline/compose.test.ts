import { describe, expect, it } from 'vitest';
import { compose, type Middleware } from './compose';

type Trace = string[];

const step =
  (name: string): Middleware<Trace> =>
  async (trace, next) => {
    trace.push(`${name} in`);
    await next();
    trace.push(`${name} out`);
  };

describe('compose', () => {
  it('runs middlewares in order, each around the rest, then the final next', async () => {
    const trace: Trace = [];
    await compose([step('a'), step('b')])(trace, async () => {
      trace.push('end');
    });
    expect(trace).toEqual(['a in', 'b in', 'end', 'b out', 'a out']);
  });

  it('stops where a middleware does not call next', async () => {
    const trace: Trace = [];
    const answer: Middleware<Trace> = async (context) => {
      context.push('answered');
    };
    await compose([step('a'), answer, step('never')])(trace, async () => {
      trace.push('end');
    });
    expect(trace).toEqual(['a in', 'answered', 'a out']);
  });

  it('rejects a second call of next, and runs the rest only once', async () => {
    const trace: Trace = [];
    const twice: Middleware<Trace> = async (_context, next) => {
      await next();
      await next();
    };
    await expect(compose([twice, step('b')])(trace, async () => {})).rejects.toMatchObject({
      code: 'next_called_twice',
    });
    expect(trace).toEqual(['b in', 'b out']);
  });

  it('passes a middleware error up to the middlewares before it', async () => {
    const seen: unknown[] = [];
    const guard: Middleware<Trace> = async (_context, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
      }
    };
    const broken: Middleware<Trace> = async () => {
      throw new Error('broken');
    };
    await compose([guard, broken])([], async () => {});
    expect(seen).toEqual([new Error('broken')]);
  });
});
