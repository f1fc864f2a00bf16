export { type PtyProcess, type PtyProcessOptions, spawnInPty } from './pty-process';
export { type TerminalSize, VirtualTerminal } from './virtual-terminal';
