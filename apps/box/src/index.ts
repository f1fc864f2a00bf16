export { type Box, type BoxOptions, startBox } from './box';
export { createProviders } from './providers';
