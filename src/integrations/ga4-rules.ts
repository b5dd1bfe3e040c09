/**
 * What Google Analytics 4 accepts from the Measurement Protocol that Flowlens checks before sending (so a
 * conversion GA4 would silently drop is reported as rejected instead): the event name (length, characters,
 * reserved names and prefixes), the number of events per request and how far back a timestamp may go. The
 * rest (parameters) is the validation server's to report. From the Measurement Protocol reference and "Event naming rules" / "Event collection limits" pages
 * (named in test/fakes/ga4-fake.ts, which models the same rules independently).
 */

/** At most this many events in one Measurement Protocol request. */
export const MP_MAX_EVENTS = 25;
/** Event and parameter names: at most 40 characters. */
export const MP_MAX_NAME = 40;
/** Events can be backdated up to 3 days (72 hours). */
export const MP_MAX_AGE_MS = 72 * 3_600_000;

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
/** Event names the Measurement Protocol reserves (its reference's "Reserved event names"). */
const RESERVED_EVENTS = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_background',
  'app_clear_data', 'app_exception', 'app_install', 'app_remove', 'app_store_refund', 'app_store_subscription_cancel',
  'app_store_subscription_convert', 'app_store_subscription_renew', 'app_update', 'app_upgrade', 'dynamic_link_app_open',
  'dynamic_link_app_update', 'dynamic_link_first_open', 'error', 'first_open', 'first_visit', 'in_app_purchase',
  'notification_dismiss', 'notification_foreground', 'notification_open', 'notification_receive', 'os_update',
  'session_start', 'session_start_with_rollout', 'user_engagement',
]);

/** Why GA4 would refuse this event name, or null when it is fine. */
export function eventNameProblem(name: string): string | null {
  if (name.length === 0) return 'an event name is required';
  if (name.length > MP_MAX_NAME) return `event name "${name}" is longer than ${MP_MAX_NAME} characters`;
  if (!NAME.test(name)) return `event name "${name}" must start with a letter and hold only letters, digits and underscores`;
  if (RESERVED_EVENTS.has(name)) return `event name "${name}" is reserved by Google Analytics`;
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `event name "${name}" starts with the reserved prefix "${prefix}"`;
  return null;
}
