import { createInterface } from 'node:readline';
import { runAnswer } from './answer';
import { Asides } from './asides';
import { type BoxClient, createBoxClient } from './client';
import { showEarlier } from './earlier-view';
import { readPrompt } from './prompt';
import { renderPushed } from './pushed-view';
import { listenForPushes } from './pushes';
import { createPlainView, createTerminalView, type ReplyView } from './reply-view';
import { ansi, isStyledTerminal } from './screen';

/** Where the terminal chat connects and what it reads and writes. */
export interface TerminalChatOptions {
  /** The box's base URL, such as http://127.0.0.1:3000. */
  readonly url: string;
  /** `SWITCHBOARD_API_TOKEN`, sent as bearer token when set. */
  readonly apiToken: string | undefined;
  readonly conversation: string;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

const QUIT = new Set(['/quit', '/exit']);

function viewFor(output: NodeJS.WritableStream): ReplyView {
  return isStyledTerminal(output) ? createTerminalView(output) : createPlainView(output);
}

/** Send one message to the box and show the reply as it streams. Resolves when the reply ended. */
export async function askOnce(options: Omit<TerminalChatOptions, 'input'>, text: string): Promise<void> {
  const client = createBoxClient(options);
  await runAnswer({ client, conversation: options.conversation, view: viewFor(options.output) }, text);
}

/**
 * The terminal chat: the same conversation as the web page. At a terminal it has a prompt with history,
 * renders answers as markdown while they stream, and takes Ctrl+C (stop the answer; at an empty prompt,
 * quit) and Ctrl+D (quit); it opens with the conversation's last two exchanges. With piped input it
 * answers each line in turn. Answers no message of this chat waits for (a schedule's runs) are shown as
 * they end: above the prompt, or after the answer that is streaming.
 */
export async function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const client = createBoxClient(options);
  const asides = new Asides(options.output);
  const listening = new AbortController();
  const pushes = listenForPushes({
    client,
    conversation: options.conversation,
    signal: listening.signal,
    onAnswer: (answer) => asides.show(renderPushed(answer, options.output)),
  });
  try {
    await chat(options, client, asides);
  } finally {
    listening.abort();
    await pushes;
  }
}

async function chat(options: TerminalChatOptions, client: BoxClient, asides: Asides): Promise<void> {
  const input = options.input as NodeJS.ReadStream;
  if (input.isTTY !== true || typeof input.setRawMode !== 'function')
    return answerEachLine(options, client, asides);
  const { output, conversation } = options;
  const styled = isStyledTerminal(output);
  const hint = `conversation "${conversation}" · Enter sends · Ctrl+C stops an answer · Ctrl+D quits · /help lists commands`;
  output.write(`${styled ? ansi.dim(hint) : hint}\n\n`);
  if (styled) await showEarlier(client, conversation, output);
  const history: string[] = [];
  const prompt = styled ? ansi.bold('you › ') : 'you › ';
  for (;;) {
    const typed = await readPrompt(input, output, { prompt, history, asides });
    if (typed.kind !== 'text') return;
    const text = typed.text.trim();
    if (QUIT.has(text)) return;
    const keyboard = { input, output };
    asides.busy();
    const outcome = await runAnswer({ client, conversation, view: viewFor(output), keyboard }, text);
    if (outcome === 'quit') return;
    output.write('\n');
    asides.idle();
  }
}

async function answerEachLine(
  options: TerminalChatOptions,
  client: BoxClient,
  asides: Asides,
): Promise<void> {
  const lines = createInterface({ input: options.input, terminal: false });
  for await (const line of lines) {
    const text = line.trim();
    if (text === '') continue;
    if (QUIT.has(text)) break;
    asides.busy();
    await runAnswer({ client, conversation: options.conversation, view: viewFor(options.output) }, text);
    asides.idle();
  }
  lines.close();
}
