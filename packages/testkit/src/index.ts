export * from './fake-openai';
export {
  listen,
  type RequestHandler,
  readBody,
  readJson,
  type SseWriter,
  sendJson,
  startSse,
  type TestServer,
} from './http';
export * from './model-parts';
export * from './recording-adapter';
