export { type ApiKey, type Authenticator, type Caller, createAuthenticator, type Scope } from './auth.js';
export type {
  Envelope,
  ErrorEnvelope,
  FieldError,
  InfoEnvelope,
  SuccessEnvelope,
} from './envelope.js';
export {
  createHttpApp,
  type HttpAppDeps,
  type HttpMetrics,
  MAX_BODY_BYTES,
  MAX_TRPC_BATCH,
  type RequestLogger,
} from './http-app.js';
export { operations } from './replies.js';
export { type AppRouter, appRouter, createCaller, type TrpcContext } from './trpc/router.js';
export { createViews, type TicketView, type Views } from './views.js';
