import type { LogLevel } from '@vigil/core';
import { randomUser } from '../catalog/people.ts';
import { LOG_SHARES, SERVICES, type ServiceProfile } from '../catalog/services.ts';
import type { EventBody } from '../generator/event-types.ts';
import { type Rng, weightedPick } from '../random/rng.ts';
import { errorFactor } from './diurnal.ts';
import { traceId } from './log-parts.ts';
import { type ServiceTemplates, TEMPLATES } from './log-templates.ts';

const DEBUG_SHARE = 0.05;
const WARN_SHARE = 0.035;
/** CRITICAL lines are this fraction of ERROR lines. */
const CRITICAL_PER_ERROR = 0.05;
/** Share of lines written while serving a signed-in user (they carry `userId` and a trace id). */
const USER_SHARE = 0.55;

export interface NoiseContext {
  rng: Rng;
  population: number;
  /** Diurnal load factor at the event's time. */
  load: number;
}

export function pickLevel(r: Rng, profile: ServiceProfile, load: number): LogLevel {
  const error = profile.errorRate * errorFactor(load);
  const roll = r.float();
  if (roll < error * CRITICAL_PER_ERROR) return 'CRITICAL';
  if (roll < error) return 'ERROR';
  if (roll < error + WARN_SHARE * load) return 'WARN';
  if (roll < error + WARN_SHARE * load + DEBUG_SHARE) return 'DEBUG';
  return 'INFO';
}

const templatesOf = (t: ServiceTemplates, level: LogLevel) =>
  level === 'CRITICAL'
    ? t.critical
    : level === 'ERROR'
      ? t.error
      : level === 'WARN'
        ? t.warn
        : level === 'DEBUG'
          ? t.debug
          : t.info;

/** One background log line from a weighted-random service and one of its hosts. */
export function logNoise({ rng, population, load }: NoiseContext): EventBody<'logs'> {
  const profile = weightedPick(rng, SERVICES, LOG_SHARES);
  const level = pickLevel(rng, profile, load);
  const userId = rng.chance(USER_SHARE) ? randomUser(rng, population).userId : undefined;
  const latencyMs = profile.baseLatencyMs * (0.7 + 0.3 * load);
  const template = rng.pick(templatesOf(TEMPLATES[profile.name]!, level));
  const body: EventBody<'logs'> = {
    service: profile.name,
    level,
    message: template(rng, { userId, latencyMs }),
    host: rng.pick(profile.hosts),
  };
  if (userId !== undefined) {
    body.userId = userId;
    body.traceId = traceId(rng);
  }
  return body;
}
