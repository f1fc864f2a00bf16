export {
  cutAfterFlush,
  type Playback,
  playbackFor,
  playModels,
  playStream,
  playWhole,
  type ScriptedEvent,
  sendScriptedError,
} from './playback';
export { type Script, type ScriptedRequest, type ScriptedServerOptions, startScriptedServer } from './server';
export type {
  CutBehaviour,
  ErrorBehaviour,
  FakeModelServer,
  MalformedBehaviour,
  ModelsFailure,
  Pacing,
  RecordedHeaders,
  RecordedRequest,
  RequestOutcome,
  StallBehaviour,
} from './types';
