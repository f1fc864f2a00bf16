import { randomUUID } from 'node:crypto';
import { wordHashEmbedding } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import { openStore } from './open';
import type { Store } from './store';
import { createTestDatabase } from './testing';

interface Driver {
  readonly name: string;
  /** PGlite ships pgvector; CI's Postgres has none, so recall falls back to exact cosine there. */
  readonly vector: boolean;
  setUp(): Promise<{ databaseUrl?: string; dataDir: string; vector?: boolean; drop(): Promise<void> }>;
}

const drivers: Driver[] = [
  { name: 'PGlite', vector: true, setUp: async () => ({ dataDir: IN_MEMORY, drop: async () => {} }) },
  {
    name: 'PGlite told not to use pgvector',
    vector: false,
    setUp: async () => ({ dataDir: IN_MEMORY, vector: false, drop: async () => {} }),
  },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    vector: false,
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, dataDir: IN_MEMORY, drop: () => database.drop() };
    },
  });
}

const embed = (text: string) => ({ model: 'fake-embed', vector: wordHashEmbedding(text) });

describe.each(drivers)('long-term memories and people on $name', (driver) => {
  let store: Store;
  let location: Awaited<ReturnType<Driver['setUp']>>;

  beforeAll(async () => {
    location = await driver.setUp();
    store = await openStore(location);
  });
  afterAll(async () => {
    await store?.close();
    await location?.drop();
  });

  const identity = (platform: string) => `${platform}:${randomUUID()}`;

  it('uses the vector extension exactly where it exists', async () => {
    expect(await store.hasVectorExtension()).toBe(driver.vector);
  });

  it('recalls by full text, best first, only the person’s own memories', async () => {
    const alice = await store.personFor(identity('telegram'));
    const bob = await store.personFor(identity('telegram'));
    await store.addMemory({ personId: alice, content: 'My sister lives in Lisbon', source: 'remember' });
    await store.addMemory({ personId: alice, content: 'I am allergic to peanuts', source: 'remember' });
    await store.addMemory({ personId: bob, content: 'My sister lives in Oslo', source: 'remember' });
    const recalled = await store.recallMemories({
      personId: alice,
      text: 'where does my sister live?',
      limit: 3,
    });
    expect(recalled[0]?.content).toBe('My sister lives in Lisbon');
    expect(recalled.every((memory) => memory.personId === alice)).toBe(true);
    expect(recalled[0]?.matchedBy).toEqual(['text']);
  });

  it('recalls by vector similarity when no word matches, with or without the extension', async () => {
    const person = await store.personFor(identity('slack'));
    for (const content of [
      'favourite colour teal',
      'cat named Miso',
      'works at the harbour',
      'plays cello',
    ]) {
      await store.addMemory({ personId: person, content, source: 'remember', embedding: embed(content) });
    }
    const other = await store.personFor(identity('slack'));
    await store.addMemory({
      personId: other,
      content: 'cat named Pixel',
      source: 'remember',
      embedding: embed('cat named'),
    });
    // "Miso" only: full text finds it too; "cat named" as embedding-only query checks the vector path.
    const recalled = await store.recallMemories({
      personId: person,
      text: 'zzz',
      embedding: embed('cat named Miso'),
      limit: 2,
    });
    expect(recalled[0]?.content).toBe('cat named Miso');
    expect(recalled[0]?.matchedBy).toEqual(['vector']);
    expect(recalled.map((memory) => memory.personId)).not.toContain(other);
  });

  it('sees memories added and forgotten between recalls (no stale vectors)', async () => {
    const person = await store.personFor(identity('telegram'));
    const recallIds = async () =>
      (
        await store.recallMemories({
          personId: person,
          text: 'zzz',
          embedding: embed('violin lessons'),
          limit: 5,
        })
      ).map((memory) => memory.content);
    await store.addMemory({
      personId: person,
      content: 'garden hose',
      source: 'remember',
      embedding: embed('garden hose'),
    });
    expect(await recallIds()).toEqual(['garden hose']);
    const added = await store.addMemory({
      personId: person,
      content: 'violin lessons',
      source: 'remember',
      embedding: embed('violin lessons'),
    });
    expect((await recallIds())[0]).toBe('violin lessons');
    await store.forgetMemory(person, added.id);
    expect(await recallIds()).toEqual(['garden hose']);
  });

  it('fuses text and vector ranks: a memory both find comes first', async () => {
    const person = await store.personFor(identity('discord'));
    const facts = ['train leaves at nine', 'dentist appointment on friday', 'the train to Porto is slow'];
    for (const content of facts) {
      await store.addMemory({ personId: person, content, source: 'remember', embedding: embed(content) });
    }
    const recalled = await store.recallMemories({
      personId: person,
      text: 'dentist friday',
      embedding: embed('dentist appointment on friday'),
      limit: 3,
    });
    expect(recalled[0]?.content).toBe('dentist appointment on friday');
    expect([...(recalled[0]?.matchedBy ?? [])].sort()).toEqual(['text', 'vector']);
  });

  it('recalls team memories only through the channel they were kept in', async () => {
    const owner = await store.personFor(identity('slack'));
    const channelKey = `slack:T1:${randomUUID()}`;
    await store.addMemory({ personId: owner, content: 'standup is at ten', source: 'remember', channelKey });
    const teammate = await store.personFor(identity('slack'));
    expect(await store.recallMemories({ channelKey, text: 'when is standup', limit: 3 })).toHaveLength(1);
    expect(
      await store.recallMemories({ personId: teammate, text: 'when is standup', limit: 3 }),
    ).toHaveLength(0);
    // A team memory is not the owner's private memory either.
    expect(await store.recallMemories({ personId: owner, text: 'when is standup', limit: 3 })).toHaveLength(
      0,
    );
  });

  it('lists, and forgets one memory of its person only', async () => {
    const person = await store.personFor(identity('telegram'));
    const stranger = await store.personFor(identity('telegram'));
    const kept = await store.addMemory({ personId: person, content: 'likes jazz', source: 'remember' });
    expect((await store.listMemories(person, 10)).map((memory) => memory.id)).toEqual([kept.id]);
    expect(await store.forgetMemory(stranger, kept.id)).toBe(false);
    expect(await store.forgetMemory(person, kept.id)).toBe(true);
    expect(await store.listMemories(person, 10)).toEqual([]);
  });

  it('links two identities into one person with a code, moves memories, and unlinks', async () => {
    const telegram = identity('telegram');
    const slack = identity('slack');
    const person = await store.personFor(telegram);
    const slackPerson = await store.personFor(slack);
    await store.addMemory({ personId: slackPerson, content: 'prefers tea', source: 'remember' });
    await store.setPersonSetting(person, 'memory', 'on');
    const now = new Date();
    const code = await store.createLinkCode(person, new Date(now.getTime() + 600_000));
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const linked = await store.redeemLinkCode(code.toLowerCase(), slack, now);
    expect(linked).toEqual({ status: 'linked', personId: person, mergedPersonId: slackPerson });
    expect(await store.personFor(slack)).toBe(person);
    expect((await store.identitiesOf(person)).sort()).toEqual([slack, telegram].sort());
    expect((await store.listMemories(person, 10)).map((memory) => memory.content)).toEqual(['prefers tea']);
    expect(await store.personSettings(person)).toEqual({ memory: 'on' });
    expect(await store.redeemLinkCode(code, slack, now)).toEqual({ status: 'invalid-code' });

    expect(await store.unlinkIdentity(slack)).toBe(true);
    expect(await store.personFor(slack)).not.toBe(person);
    expect(await store.identitiesOf(person)).toEqual([telegram]);
    expect(await store.unlinkIdentity(telegram)).toBe(false);
  });

  it('adds up usage and cloud spend over every identity of the person', async () => {
    const telegram = identity('telegram');
    const slack = identity('slack');
    const person = await store.personFor(telegram);
    await store.personFor(slack);
    const since = new Date(Date.now() - 60_000);
    const conversation = await store.ensureConversation({
      platform: 'telegram',
      account: 'b',
      channel: randomUUID(),
      direct: true,
    });
    for (const author of [telegram, slack]) {
      const id = randomUUID();
      await store.beginTask({
        id,
        eventId: id,
        conversationKey: conversation.key,
        authorId: author,
        command: 'ask',
      });
      await store.updateTask(id, { model: 'openai:gpt-4o', costUsd: 0.5 });
    }
    expect(await store.cloudSpendSince(telegram, since)).toBeCloseTo(0.5);
    const code = await store.createLinkCode(person, new Date(Date.now() + 60_000));
    await store.redeemLinkCode(code, slack, new Date());
    expect(await store.cloudSpendSince(telegram, since)).toBeCloseTo(1);
    expect(await store.cloudSpendSince(slack, since)).toBeCloseTo(1);
    const [row] = await store.usageSummary({ since, authorId: slack });
    expect(row).toMatchObject({ model: 'openai:gpt-4o', tasks: 2 });
  });

  it('refuses an expired link code', async () => {
    const person = await store.personFor(identity('telegram'));
    const now = new Date();
    const code = await store.createLinkCode(person, new Date(now.getTime() - 1));
    expect(await store.redeemLinkCode(code, identity('slack'), now)).toEqual({ status: 'invalid-code' });
  });
});
