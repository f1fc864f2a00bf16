/** The part of marked-terminal's API the terminal chat uses (the package ships no types). */
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';

  /** Options of the terminal renderer. */
  export interface TerminalRendererOptions {
    /** Width for reflowed text and rules. */
    readonly width?: number;
    readonly reflowText?: boolean;
    /** Spaces that indent lists and code. */
    readonly tab?: number;
    /** Keep the `#` marks in front of headings. */
    readonly showSectionPrefix?: boolean;
    /** Turn `:smile:` codes into emoji. */
    readonly emoji?: boolean;
  }

  /** A marked extension that renders to text with ANSI styles. */
  export function markedTerminal(options?: TerminalRendererOptions): MarkedExtension;
}
