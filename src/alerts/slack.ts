/**
 * Slack messages as Slack documents them for incoming webhooks (docs.slack.dev, "Sending messages using incoming
 * webhooks", "Block Kit", "Formatting text for app surfaces"): a JSON body with a top-level `text` (shown in
 * notifications, and where blocks cannot be) and `blocks`, here only header, section and context blocks with
 * plain_text and mrkdwn text objects.
 *
 * Slack refuses a message (HTTP 400 invalid_blocks) whose texts are too long, so every builder clips its text to
 * the documented maximum: a header's plain_text 150 characters, a section's text 3000, each of its fields 2000
 * and at most 10 of them, at most 10 context elements, at most 50 blocks. Clipping never cuts an HTML entity or a
 * <…> link or date token in two. Text that is not markup is escaped (&, < and > are Slack's control characters).
 */

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  /** a text object's text, wherever no smaller maximum is given (context elements, the fallback text) */
  text: 3000,
  blocks: 50,
} as const;

/** Text shown as it is: Slack's control characters as the HTML entities it expects. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most `max` UTF-16 units (never more characters than Slack counts), ending in "…" when cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // half of a surrogate pair
  return `${cut}…`;
}

/** clip for mrkdwn: the cut moves back before an entity (&amp;) or a <…> token it would split. */
export function clipMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = clip(s, max).slice(0, -1);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Text without line breaks or other control characters (a header, a subject). */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

export function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(oneLine(text), SLACK_LIMITS.headerText), emoji: true } };
}

/** A section of mrkdwn (already escaped where it is not markup). */
export function section(mrkdwn: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(mrkdwn, SLACK_LIMITS.sectionText) } };
}

/** A section of label/value fields, shown in two columns: the label in bold above its value (both mrkdwn). */
export function fields(pairs: Array<[label: string, value: string]>): SlackBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, SLACK_LIMITS.fields).map(([label, value]) => ({ type: 'mrkdwn', text: clipMrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText) })),
  };
}

/** A context block: small grey lines of mrkdwn. */
export function context(parts: string[]): SlackBlock {
  return { type: 'context', elements: parts.slice(0, SLACK_LIMITS.contextElements).map((text) => ({ type: 'mrkdwn', text: clipMrkdwn(text, SLACK_LIMITS.text) })) };
}

/** A link, when `url` is an absolute http(s) URL; otherwise the label and the address as code. */
export function link(url: string, label: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return `${escapeMrkdwn(label)}: \`${escapeMrkdwn(url)}\``;
  // the URL parser has percent-encoded < > and spaces; | would end the address and & is escaped like anywhere else
  return `<${escapeMrkdwn(parsed.href).replace(/\|/g, '%7C')}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** An instant shown in the reader's own timezone ("Mar 9, 2026 at 10:00"), in UTC where Slack cannot. */
export function date(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeMrkdwn(iso);
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

/** The message, its fallback text clipped and its blocks at most 50. */
export function message(text: string, blocks: SlackBlock[]): SlackMessage {
  return { text: clipMrkdwn(text, SLACK_LIMITS.text), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
