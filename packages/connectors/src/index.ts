export { type Answer, httpCall, retryAfterMs, transportFailure } from './http-call.js';
export {
  createWebhookSender,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  type WebhookSenderOptions,
} from './webhook-sender.js';
export { createWispHubClient, type WispHubClientOptions } from './wisphub-client.js';
export { instantOfWispHubDate, statusOf, wisphubDate } from './wisphub-records.js';
