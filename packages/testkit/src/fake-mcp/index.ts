import { fileURLToPath } from 'node:url';

/**
 * The path of a tiny MCP server (stdio, the SDK's own server) for tests: one tool, `add_note`, that
 * appends to `NOTES_FILE`; its description is read from `NOTES_DESCRIPTION_FILE` on every listing, and
 * it repeats `NOTES_TOKEN` on stderr and in its answers (to test that secrets are redacted). Start it
 * with `node <path>`.
 */
export const FAKE_MCP_NOTES_SERVER = fileURLToPath(new URL('./notes-server.mjs', import.meta.url));
