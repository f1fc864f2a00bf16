import type { BoxClient, EarlierTurn } from './client';
import { createTerminalView } from './reply-view';
import { ansi, sanitize, screenSizeOf, textSink } from './screen';

/** How many earlier turns the chat shows when it opens: the last two exchanges. */
const EARLIER_TURNS = 4;
/** An earlier answer is shown up to this many characters (the whole one is in the web chat's history). */
const EARLIER_ANSWER_CHARS = 400;
/** The chat does not wait longer than this for the earlier turns before showing its prompt. */
const EARLIER_WAIT_MS = 1500;

/** The text the chat prints for `turns`: a dim heading, then each turn as it was shown. */
export function renderEarlier(turns: readonly EarlierTurn[], output: NodeJS.WritableStream): string {
  if (turns.length === 0) return '';
  const sink = textSink();
  const view = () => createTerminalView(sink.stream, () => screenSizeOf(output));
  for (const turn of turns) {
    if (turn.role === 'user') {
      sink.stream.write(`${ansi.dim(`you › ${sanitize(turn.text).replace(/\n/g, ' ')}`)}\n`);
      continue;
    }
    const shortened =
      turn.text.length > EARLIER_ANSWER_CHARS
        ? `${turn.text.slice(0, EARLIER_ANSWER_CHARS).trimEnd()}…`
        : turn.text;
    view().end(shortened, {});
  }
  return `${ansi.dim('── earlier in this conversation ──')}\n${sink.text()}${ansi.dim('── now ──')}\n\n`;
}

/** Print the conversation's last turns when the chat opens at a terminal; nothing when there are none. */
export async function showEarlier(client: BoxClient, conversation: string, output: NodeJS.WritableStream) {
  const turns = await client
    .earlier(conversation, EARLIER_TURNS, AbortSignal.timeout(EARLIER_WAIT_MS))
    .catch(() => [] as EarlierTurn[]);
  output.write(renderEarlier(turns, output));
}
