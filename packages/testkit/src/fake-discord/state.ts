import type { ApiUser, StoredMessage } from './messages';

/** One callback the fake accepted for an interaction. */
export interface InteractionResponse {
  readonly type: number;
  readonly body: unknown;
  /** `Date.now()` when it arrived. */
  readonly at: number;
}

/** An interaction the fake created and dispatched. */
export interface FakeInteraction {
  readonly id: string;
  readonly token: string;
  /** 2 command, 3 component, 4 autocomplete. */
  readonly type: number;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly user: ApiUser;
  /** The INTERACTION_CREATE payload (`d`). */
  readonly payload: Record<string, unknown>;
  /** The fake clock's time at creation (token expiry is measured on it). */
  readonly createdAt: number;
  /** `Date.now()` at creation (the 3-second deadline is wall time). */
  readonly createdAtReal: number;
  /** Every accepted callback. "Answered exactly once" means this has one entry. */
  readonly responses: InteractionResponse[];
  /** Callbacks refused because the interaction was already acknowledged (40060). */
  readonly duplicateResponses: InteractionResponse[];
  /** The message id `@original` refers to, once there is one. */
  originalId: string | undefined;
  readonly followUpIds: string[];
}

/** Slash commands registered through the API. */
export interface RegisteredCommands {
  global: unknown[];
  readonly guilds: Map<string, unknown[]>;
}

/** Everything the fake Discord holds. */
export class FakeState {
  readonly interactions = new Map<string, FakeInteraction>();
  readonly byToken = new Map<string, FakeInteraction>();
  readonly messages = new Map<string, StoredMessage>();
  readonly commands: RegisteredCommands = { global: [], guilds: new Map() };

  addInteraction(interaction: FakeInteraction): void {
    this.interactions.set(interaction.id, interaction);
    this.byToken.set(interaction.token, interaction);
  }

  addMessage(message: StoredMessage): void {
    this.messages.set(message.id, message);
  }

  /** Messages in a channel (not ephemeral ones), oldest first. */
  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter(
      (message) => message.channelId === channelId && !message.ephemeral,
    );
  }

  /** The text a user would read for an interaction: the original response, its follow-ups, then channel messages made after it. */
  original(interactionId: string): StoredMessage | undefined {
    const interaction = this.interactions.get(interactionId);
    return interaction?.originalId === undefined ? undefined : this.messages.get(interaction.originalId);
  }
}
