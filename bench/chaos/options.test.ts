import { describe, expect, it } from 'vitest';
import { parseChaosArgs, reproduceCommand, UsageError } from './options';

describe('chaos options', () => {
  it('has defaults, a seed from the clock, and reproduces itself', () => {
    const options = parseChaosArgs([], {}, () => 1_234_567_890_123);
    expect(options).toMatchObject({
      kills: 30,
      platforms: ['web', 'telegram', 'slack', 'discord'],
      drivers: ['pglite'],
      seed: 567_890_123,
      settleMs: 75_000,
      box: 'bundle',
      keep: false,
    });
    expect(reproduceCommand(options)).toBe(
      'pnpm bench:chaos --kills 30 --platforms web,telegram,slack,discord --driver pglite --seed 567890123',
    );
    expect(parseChaosArgs(reproduceCommand(options).split(' ').slice(2), {})).toEqual(options);
  });

  it('reads every option, keeps the platforms in their usual order, and needs DATABASE_URL for Postgres', () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    const argv = [
      '--kills',
      '3',
      '--platforms',
      'slack,web',
      '--driver',
      'both',
      '--seed',
      '9',
      '--box',
      'tsx',
    ];
    const options = parseChaosArgs([...argv, '--settle-seconds', '20', '--keep'], env);
    expect(options).toMatchObject({
      kills: 3,
      platforms: ['web', 'slack'],
      drivers: ['pglite', 'postgres'],
      seed: 9,
      settleMs: 20_000,
      box: 'tsx',
      keep: true,
      databaseUrl: env.DATABASE_URL,
    });
    expect(reproduceCommand(options)).toBe(
      'DATABASE_URL=<postgres server URL> pnpm bench:chaos --kills 3 --platforms web,slack --driver both --seed 9 --settle-seconds 20 --box tsx',
    );
    expect(() => parseChaosArgs(['--driver', 'postgres'], {})).toThrow(/needs DATABASE_URL/);
  });

  it('refuses what it cannot run, saying what it expected', () => {
    const refusals: [string[], RegExp][] = [
      [['--kills=-1'], /--kills must be a whole number/],
      [['--kills', 'many'], /--kills must be a whole number/],
      [['--platforms', 'web,irc'], /--platforms takes a comma-separated list/],
      [['--driver', 'mysql'], /--driver is pglite, postgres or both/],
      [['--box', 'docker'], /--box is bundle or tsx/],
      [['--settle-seconds', '0'], /--settle-seconds must be a whole number above 0/],
      [['--frobnicate'], /usage: pnpm bench:chaos/],
    ];
    for (const [argv, message] of refusals) {
      expect(() => parseChaosArgs(argv, {})).toThrow(UsageError);
      expect(() => parseChaosArgs(argv, {})).toThrow(message);
    }
  });
});
