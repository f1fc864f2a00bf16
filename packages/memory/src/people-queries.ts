import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { LinkResult } from './memory-records';
import { exportLinks, linkCodes, memories, people, personIdentities } from './schema';

/** Letters and digits that cannot be mistaken for one another when typed from another screen. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short code of `length` characters from {@link CODE_ALPHABET}. */
function newCode(length = 6): string {
  const bytes = randomBytes(length);
  return [...bytes].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
}

/** `/link` codes as typed: case and spaces do not matter. */
export const normalizeLinkCode = (code: string): string => code.replace(/\s+/g, '').toUpperCase();

/** People and their identities over drizzle: one person, several platforms. */
export class PeopleQueries {
  constructor(private readonly db: MemoryDatabase) {}

  /** The person an identity (`platform:userId`) is, created on first sight. */
  async personFor(identity: string): Promise<string> {
    const [known] = await this.db
      .select({ personId: personIdentities.personId })
      .from(personIdentities)
      .where(eq(personIdentities.identity, identity));
    if (known) return known.personId;
    return this.db.transaction(async (transaction) => {
      const personId = `p_${randomUUID()}`;
      await transaction.insert(people).values({ id: personId });
      const claimed = await transaction
        .insert(personIdentities)
        .values({ identity, personId })
        .onConflictDoNothing()
        .returning({ personId: personIdentities.personId });
      if (claimed[0]) return claimed[0].personId;
      // Another request made the person first: keep theirs, drop ours.
      await transaction.delete(people).where(eq(people.id, personId));
      const [other] = await transaction
        .select({ personId: personIdentities.personId })
        .from(personIdentities)
        .where(eq(personIdentities.identity, identity));
      if (!other) throw new Error(`The identity ${identity} vanished while its person was made.`);
      return other.personId;
    });
  }

  /** Every identity of a person, oldest link first. */
  async identitiesOf(personId: string): Promise<string[]> {
    const found = await this.db
      .select({ identity: personIdentities.identity })
      .from(personIdentities)
      .where(eq(personIdentities.personId, personId))
      .orderBy(personIdentities.linkedAt, personIdentities.identity);
    return found.map((row) => row.identity);
  }

  /** A new code that joins another identity to `personId` until `expiresAt`. */
  async createLinkCode(personId: string, expiresAt: Date): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const code = newCode();
      const saved = await this.db
        .insert(linkCodes)
        .values({ code, personId, expiresAt })
        .onConflictDoNothing()
        .returning({ code: linkCodes.code });
      if (saved.length > 0) return code;
    }
    throw new Error('Could not find a free link code after five tries.');
  }

  /**
   * Join `identity` to the person who made `code` (used once, before it expires). When the identity's
   * old person has no identity left, their memories, settings and codes move to the joined person.
   */
  async redeemLinkCode(code: string, identity: string, now: Date): Promise<LinkResult> {
    const current = await this.personFor(identity);
    return this.db.transaction(async (transaction) => {
      const [used] = await transaction
        .delete(linkCodes)
        .where(and(eq(linkCodes.code, normalizeLinkCode(code)), gt(linkCodes.expiresAt, now)))
        .returning({ personId: linkCodes.personId });
      if (!used) return { status: 'invalid-code' };
      const target = used.personId;
      if (target === current) return { status: 'already-linked', personId: target };
      await transaction
        .update(personIdentities)
        .set({ personId: target, linkedAt: sql`now()` })
        .where(eq(personIdentities.identity, identity));
      const [left] = await transaction
        .select({ count: sql<number>`count(*)::int` })
        .from(personIdentities)
        .where(eq(personIdentities.personId, current));
      if ((left?.count ?? 0) > 0) return { status: 'linked', personId: target, mergedPersonId: undefined };
      await transaction.update(memories).set({ personId: target }).where(eq(memories.personId, current));
      await transaction.execute(sql`update people set settings = old.settings || people.settings
        from people old where people.id = ${target} and old.id = ${current}`);
      await transaction.delete(people).where(eq(people.id, current));
      return { status: 'linked', personId: target, mergedPersonId: current };
    });
  }

  /**
   * Give `identity` a person of its own again. The memories stay with the person it leaves. False when
   * it was the person's only identity (nothing to undo).
   */
  async unlinkIdentity(identity: string): Promise<boolean> {
    const personId = await this.personFor(identity);
    const identities = await this.identitiesOf(personId);
    if (identities.length < 2) return false;
    await this.db.transaction(async (transaction) => {
      const fresh = `p_${randomUUID()}`;
      await transaction.insert(people).values({ id: fresh });
      await transaction
        .update(personIdentities)
        .set({ personId: fresh, linkedAt: sql`now()` })
        .where(eq(personIdentities.identity, identity));
    });
    return true;
  }

  /** A secret token that downloads the person's export until `expiresAt`. */
  async createExportLink(personId: string, expiresAt: Date): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.db.insert(exportLinks).values({ token, personId, expiresAt });
    return token;
  }

  /** The person an unexpired export token belongs to; undefined for an unknown or expired one. */
  async personOfExportLink(token: string, now: Date): Promise<string | undefined> {
    const [row] = await this.db
      .select({ personId: exportLinks.personId })
      .from(exportLinks)
      .where(and(eq(exportLinks.token, token), gt(exportLinks.expiresAt, now)));
    return row?.personId;
  }

  /** The person's settings (a JSON object; empty when none were set). */
  async personSettings(personId: string): Promise<Record<string, unknown>> {
    const [row] = await this.db
      .select({ settings: people.settings })
      .from(people)
      .where(eq(people.id, personId));
    const settings = row?.settings;
    return settings !== null && typeof settings === 'object' && !Array.isArray(settings)
      ? (settings as Record<string, unknown>)
      : {};
  }

  /** Set one of the person's settings (shared by all their identities). */
  async setPersonSetting(personId: string, name: string, value: unknown): Promise<void> {
    await this.db.execute(
      sql`update people set settings = settings || jsonb_build_object(${name}::text, ${JSON.stringify(value)}::jsonb) where id = ${personId}`,
    );
  }
}
