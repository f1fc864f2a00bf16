import { describe, expect, it } from 'vitest';
import { CONTROL_COMMANDS, helpText, parseCommand, resolveSubcommand } from './commands';

describe('parseCommand', () => {
  it('reads a slash command and its arguments', () => {
    expect(parseCommand('/ask what is 2+2?', { direct: false })).toEqual({
      name: 'ask',
      args: 'what is 2+2?',
    });
  });
  it('treats plain text in a direct chat as /ask', () => {
    expect(parseCommand('  hello there ', { direct: true })).toEqual({ name: 'ask', args: 'hello there' });
  });
  it('ignores plain text outside direct chats', () => {
    expect(parseCommand('hello there', { direct: false })).toBeUndefined();
  });
  it('keeps multi-line arguments', () => {
    expect(parseCommand('/ask line one\nline two', { direct: false })).toEqual({
      name: 'ask',
      args: 'line one\nline two',
    });
  });
  it('reads /cmd@bot addressed to this bot and ignores one addressed to another bot', () => {
    expect(parseCommand('/status@my_bot', { direct: false, botUsername: 'My_Bot' })).toEqual({
      name: 'status',
      args: '',
    });
    expect(parseCommand('/status@other_bot', { direct: false, botUsername: 'my_bot' })).toBeUndefined();
  });
  it('reads unambiguous subcommands of /ask', () => {
    expect(parseCommand('/ask status', { direct: false })).toEqual({ name: 'status', args: '' });
    expect(parseCommand('/ask model openai:gpt-4o', { direct: false })).toEqual({
      name: 'model',
      args: 'openai:gpt-4o',
    });
    expect(parseCommand('/ask cancel 3f2a9c', { direct: false })).toEqual({ name: 'cancel', args: '3f2a9c' });
    expect(parseCommand('/ask usage', { direct: false })).toEqual({ name: 'usage', args: '' });
    expect(parseCommand('/ask local', { direct: false })).toEqual({ name: 'local', args: '' });
    expect(parseCommand('/ask local ON', { direct: false })).toEqual({ name: 'local', args: 'on' });
    expect(parseCommand('/ask local off', { direct: false })).toEqual({ name: 'local', args: 'off' });
  });
  it('keeps questions that merely start with usage or local', () => {
    expect(parseCommand('/ask local news today', { direct: false })).toMatchObject({ name: 'ask' });
    expect(parseCommand('/ask local elections', { direct: false })).toMatchObject({ name: 'ask' });
    expect(parseCommand('/ask usage of semicolons', { direct: false })).toMatchObject({ name: 'ask' });
  });
  it('keeps questions that merely start with a subcommand word', () => {
    expect(parseCommand('/ask status of the deploy?', { direct: false })).toEqual({
      name: 'ask',
      args: 'status of the deploy?',
    });
  });
  it('lowercases the command name and keeps unknown commands for a clear answer', () => {
    expect(parseCommand('/ASK hi', { direct: false })).toEqual({ name: 'ask', args: 'hi' });
    expect(parseCommand('/frobnicate x', { direct: true })).toEqual({ name: 'frobnicate', args: 'x' });
  });
  it('lists every command in the help text', () => {
    for (const name of [
      'ask',
      'model',
      'models',
      'status',
      'tasks',
      'cancel',
      'history',
      'forget',
      'usage',
      'local',
      'help',
    ]) {
      expect(helpText()).toContain(`/${name}`);
    }
  });
});

describe('CONTROL_COMMANDS', () => {
  it('answers /usage in the control lane and keeps /local in order with the answers it changes', () => {
    expect(CONTROL_COMMANDS.has('usage')).toBe(true);
    expect(CONTROL_COMMANDS.has('local')).toBe(false);
  });
});

describe('memory subcommands of /ask (Slack)', () => {
  it('reads only their unambiguous forms', () => {
    expect(resolveSubcommand({ name: 'ask', args: 'forget all' })).toEqual({ name: 'forget', args: 'all' });
    expect(resolveSubcommand({ name: 'ask', args: 'forget 12' })).toEqual({ name: 'forget', args: '12' });
    expect(resolveSubcommand({ name: 'ask', args: 'link AB12CD' })).toEqual({ name: 'link', args: 'AB12CD' });
    expect(resolveSubcommand({ name: 'ask', args: 'memory team ON' })).toEqual({
      name: 'memory',
      args: 'team on',
    });
    expect(resolveSubcommand({ name: 'ask', args: 'memories' })).toEqual({ name: 'memories', args: '' });
    expect(resolveSubcommand({ name: 'ask', args: 'forget about it' })).toEqual({
      name: 'ask',
      args: 'forget about it',
    });
    expect(resolveSubcommand({ name: 'ask', args: 'link the two ideas' }).name).toBe('ask');
  });
});
