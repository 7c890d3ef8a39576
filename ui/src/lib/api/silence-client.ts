import {
  type Alert,
  SILENCE_MATCHER_FIELDS,
  SILENCE_STATES,
  type Silence,
  type SilenceInput,
  type SilenceMatchers,
  type SilenceState,
} from '@vigil/core';
import type { Http } from './http.ts';
import { listIn } from './normalize.ts';

// The silence routes' answers (core's silences.ts shapes), read leniently like every other REST answer: an
// item the dashboard cannot show is left out, not drawn half.

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One silence, or null when the answer is not one. */
export function readSilence(value: unknown): Silence | null {
  if (!isObject(value) || typeof value.id !== 'string') return null;
  const { startsAt, endsAt, comment, createdBy, createdAt } = value;
  if ([startsAt, endsAt, comment, createdBy, createdAt].some((v) => typeof v !== 'string')) return null;
  const raw = isObject(value.matchers) ? value.matchers : {};
  const matchers: Record<string, string> = {};
  for (const field of SILENCE_MATCHER_FIELDS)
    if (typeof raw[field] === 'string') matchers[field] = raw[field];
  const state = SILENCE_STATES.includes(value.state as SilenceState)
    ? (value.state as SilenceState)
    : 'expired';
  return {
    id: value.id,
    matchers: matchers as SilenceMatchers,
    startsAt: startsAt as string,
    endsAt: endsAt as string,
    comment: comment as string,
    createdBy: createdBy as string,
    createdAt: createdAt as string,
    expiredBy: typeof value.expiredBy === 'string' ? value.expiredBy : null,
    state,
  };
}

export interface SilenceList {
  items: Silence[];
  nextCursor: string | null;
}

export function readSilencePage(body: unknown): SilenceList {
  const items = listIn(body, ['items', 'silences'])
    .map(readSilence)
    .filter((s): s is Silence => s !== null);
  const next = isObject(body) ? body.nextCursor : null;
  return { items, nextCursor: typeof next === 'string' && next !== '' ? next : null };
}

export interface SilencePreviewResult {
  items: Alert[];
  total: number;
}

export function readSilencePreview(body: unknown): SilencePreviewResult {
  const items = listIn(body, ['items', 'alerts']).filter(
    (a): a is Alert => isObject(a) && typeof a.id === 'string' && typeof a.title === 'string',
  );
  const total = isObject(body) && typeof body.total === 'number' ? body.total : items.length;
  return { items, total };
}

/** `/api/silences` (gateway/README.md, "HTTP: silences"): viewers list, operators create, preview and expire. */
export function createSilenceClient(http: Http) {
  return {
    async list(state?: SilenceState, cursor?: string | null, signal?: AbortSignal): Promise<SilenceList> {
      const params = new URLSearchParams();
      if (state) params.set('state', state);
      if (cursor) params.set('cursor', cursor);
      return readSilencePage(await http('/api/silences', { params, signal }));
    },
    async create(input: SilenceInput): Promise<Silence> {
      const silence = readSilence(await http('/api/silences', { method: 'POST', body: input }));
      if (!silence) throw new Error('the gateway answered something that is not a silence');
      return silence;
    },
    async preview(input: SilenceInput, signal?: AbortSignal): Promise<SilencePreviewResult> {
      return readSilencePreview(await http('/api/silences/preview', { method: 'POST', body: input, signal }));
    },
    async expire(id: string): Promise<Silence> {
      const silence = readSilence(
        await http(`/api/silences/${encodeURIComponent(id)}`, { method: 'DELETE' }),
      );
      if (!silence) throw new Error('the gateway answered something that is not a silence');
      return silence;
    },
  };
}

export type SilenceClient = ReturnType<typeof createSilenceClient>;
