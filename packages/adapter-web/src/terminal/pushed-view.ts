import type { PushedAnswer } from './pushes';
import { createPlainView, createTerminalView } from './reply-view';
import { ansi, isStyledTerminal, screenSizeOf, textSink } from './screen';

const HEADING = 'new answer in this conversation';

/**
 * A pushed answer as the text the chat prints: a heading line, then the answer rendered the way the
 * chat renders its own (markdown at a terminal, plain text in a pipe), ending with a newline.
 */
export function renderPushed(answer: PushedAnswer, output: NodeJS.WritableStream): string {
  const sink = textSink();
  const styled = isStyledTerminal(output);
  const view = styled
    ? createTerminalView(sink.stream, () => screenSizeOf(output))
    : createPlainView(sink.stream);
  if (answer.kind === 'reply') view.end(answer.text, answer.meta);
  else if (answer.kind === 'error') view.error(answer.message);
  else {
    view.approval(answer.summary, answer.choices);
    view.note('Answer it in the web chat: this prompt only answers questions of its own messages.');
  }
  return `${styled ? ansi.dim(`── ${HEADING} ──`) : `-- ${HEADING} --`}\n${sink.text()}`;
}
