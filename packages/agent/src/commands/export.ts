import { type CommandHandler, say } from './context';

/** How long an `/export` link works. */
export const EXPORT_LINK_TTL_MS = 10 * 60_000;

/**
 * `/export`: every row the box keeps about the person (what `/forget all` would delete), as a JSON file
 * behind a secret link on the box's web API, valid for 10 minutes (no platform adapter sends files yet).
 */
export const exportData: CommandHandler = async (context) => {
  const { store, now, webUrl } = context.services;
  const personId = await store.personFor(context.identity);
  const token = await store.createExportLink(personId, new Date(now() + EXPORT_LINK_TTL_MS));
  const path = `/api/export/${token}`;
  const url = webUrl ? new URL(path, webUrl).toString() : path;
  return say(
    context,
    `Your data export (JSON) is ready for 10 minutes: ${url}\nAnyone with this link can download it; do not share it.`,
  );
};
