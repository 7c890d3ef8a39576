import { randomBytes } from 'node:crypto';
import { ValidationError } from '@vigil/core';
import {
  type Channel,
  type ChannelConfig,
  type ChannelType,
  parseChannelInput,
  redactChannelConfig,
  restoreRedactedSecrets,
} from '@vigil/core/notifications';
import { asc, eq } from 'drizzle-orm';
import { checkActor } from '../alert-lifecycle.ts';
import type { VigilDatabase } from '../database.ts';
import { isConstraintViolation } from '../db-errors.ts';
import { notificationChannels, notificationPolicy } from './notification-schema.ts';

type ChannelRow = typeof notificationChannels.$inferSelect;

export const channelOf = (row: ChannelRow, redact: boolean): Channel => {
  const type = row.type as ChannelType;
  const config = row.config as unknown as ChannelConfig;
  return {
    id: row.id,
    name: row.name,
    type,
    config: redact ? redactChannelConfig(type, config) : config,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
};

const nameTaken = (err: unknown, name: string) =>
  isConstraintViolation(err, '23505', 'notification_channels_name_lower_idx')
    ? new ValidationError('a channel with this name exists', {
        details: { problems: [{ field: 'name', reason: `"${name}" is taken (names ignore case)` }] },
      })
    : err;

/** Routes of the stored policy that send to a channel (their indexes). */
export async function routesUsing(db: VigilDatabase, channelId: string): Promise<number[]> {
  const [policy] = await db.select({ routes: notificationPolicy.routes }).from(notificationPolicy);
  const routes = (policy?.routes ?? []) as { channels?: string[] }[];
  return routes.flatMap((route, i) => (route.channels?.includes(channelId) ? [i] : []));
}

/** Channel CRUD: validated on write, redacted on read. */
export function createChannelStore(db: VigilDatabase) {
  const find = async (id: string) =>
    typeof id === 'string'
      ? (await db.select().from(notificationChannels).where(eq(notificationChannels.id, id)))[0]
      : undefined;

  return {
    async createChannel(input: unknown, actor: string, now = Date.now()): Promise<Channel> {
      const channel = parseChannelInput(input);
      const at = new Date(now);
      const row = {
        id: `ch_${randomBytes(8).toString('hex')}`,
        ...channel,
        config: channel.config as unknown as Record<string, unknown>,
        createdAt: at,
        updatedAt: at,
        updatedBy: checkActor(actor),
      };
      try {
        const [stored] = await db.insert(notificationChannels).values(row).returning();
        return channelOf(stored!, true);
      } catch (err) {
        throw nameTaken(err, channel.name);
      }
    },

    async listChannels(): Promise<Channel[]> {
      const rows = await db.select().from(notificationChannels).orderBy(asc(notificationChannels.name));
      return rows.map((row) => channelOf(row, true));
    },

    async getChannel(id: string): Promise<Channel | null> {
      const row = await find(id);
      return row ? channelOf(row, true) : null;
    },

    async channelForSending(id: string): Promise<Channel | null> {
      const row = await find(id);
      return row ? channelOf(row, false) : null;
    },

    async updateChannel(
      id: string,
      input: unknown,
      actor: string,
      now = Date.now(),
    ): Promise<Channel | null> {
      const channel = parseChannelInput(input);
      const stored = await find(id);
      if (!stored) return null;
      // A secret read redacted and sent back unchanged keeps its value (only when the type is unchanged).
      const config =
        stored.type === channel.type
          ? restoreRedactedSecrets(channel.type, channel.config, stored.config as unknown as ChannelConfig)
          : channel.config;
      try {
        const [row] = await db
          .update(notificationChannels)
          .set({
            name: channel.name,
            type: channel.type,
            config: config as unknown as Record<string, unknown>,
            enabled: channel.enabled,
            updatedAt: new Date(now),
            updatedBy: checkActor(actor),
          })
          .where(eq(notificationChannels.id, id))
          .returning();
        return row ? channelOf(row, true) : null;
      } catch (err) {
        throw nameTaken(err, channel.name);
      }
    },

    async deleteChannel(id: string): Promise<boolean> {
      if (typeof id !== 'string') return false;
      const routes = await routesUsing(db, id);
      if (routes.length > 0) {
        throw new ValidationError('the notification policy still sends to this channel', {
          details: {
            problems: routes.map((i) => ({ field: `routes[${i}].channels`, reason: `lists ${id}` })),
          },
        });
      }
      const deleted = await db
        .delete(notificationChannels)
        .where(eq(notificationChannels.id, id))
        .returning({ id: notificationChannels.id });
      return deleted.length > 0;
    },
  };
}
