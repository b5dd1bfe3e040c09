/**
 * Where outgoing webhooks may go. A webhook URL is set by an account's admin, but the request is made by the
 * server, from inside its network: left unchecked it could reach the server's own ports, other hosts of a
 * private network or a cloud metadata service (169.254.169.254) — server-side request forgery. So a target must
 * be a public address: not loopback, private (RFC 1918, shared 100.64/10, IPv6 unique local fc00::/7),
 * link-local (169.254/16, fe80::/10), unspecified, multicast or otherwise reserved. `localhost` and
 * `*.localhost` are loopback names.
 *
 * Checked twice: when the URL is saved (IP literals and localhost names; other names resolve later), and when
 * sending, on the addresses the name resolves to then (DNS can change), inside the connection's own lookup so
 * that the address checked is the address connected to. FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1 turns the check off
 * (webhook receivers on the same host or network).
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** A sending was refused because its target is not a public address. Not worth retrying. */
export class WebhookTargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

type Kind = 'unspecified' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'reserved';

// [first address, prefix length, kind], IPv4 special-purpose blocks (RFC 6890 and its updates)
const V4_BLOCKS: Array<[string, number, Kind]> = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; connecting to 0.0.0.0 reaches the host itself
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes cloud metadata services (169.254.169.254)
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // documentation
  ['203.0.113.0', 24, 'reserved'], // documentation
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // future use, and 255.255.255.255 broadcast
];

function v4Int(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Kind(n: number): Kind | undefined {
  for (const [first, bits, kind] of V4_BLOCKS) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((n & mask) >>> 0) === v4Int(first)) return kind;
  }
  return undefined;
}

/** The 8 16-bit groups of a valid IPv6 address (a dotted IPv4 tail counts as the last two). */
function v6Groups(ip: string): number[] {
  let s = ip;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const n = v4Int(tail);
    s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = rest === undefined ? [] : rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16));
}

function v6Kind(g: number[]): Kind | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = (hi: number, lo: number) => v4Kind(hi * 65536 + lo);
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    if (g5 === 0xffff) return embedded(g6, g7); // IPv4-mapped ::ffff:a.b.c.d: the IPv4 address is the target
    if (g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
    if (g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
    return 'reserved'; // IPv4-compatible (deprecated) and the rest of ::/80
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return embedded(g6, g7); // NAT64 well-known prefix
  if (g0 === 0x2002) return embedded(g1, g2); // 6to4 carries the IPv4 address of its gateway
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3 (NAT64 local-use, discard-only, …)
  if (g0 === 0x2001 && g1 < 0x200) return 'reserved'; // IETF protocol assignments 2001::/23 (Teredo, ORCHID, …)
  if (g0 === 0x2001 && g1 === 0xdb8) return 'reserved'; // documentation
  if ((g0 & 0xfff0) === 0x3ff0) return 'reserved'; // documentation 3fff::/20
  return undefined;
}

/**
 * What kind of non-public address `ip` is ("loopback", "private", "link-local", "unspecified", "multicast",
 * "reserved"), or undefined when it is a public one. `ip` is an IPv4 or IPv6 address literal (brackets and an
 * IPv6 zone are allowed); anything else is undefined.
 */
export function nonPublicAddress(ip: string): Kind | undefined {
  const bare = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (net.isIPv4(bare)) return v4Kind(v4Int(bare));
  if (net.isIPv6(bare)) return v6Kind(v6Groups(bare));
  return undefined;
}

/** `localhost`, `*.localhost` (RFC 6761: always loopback), with or without the final dot. */
export function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

const ALLOW_HINT = 'webhooks must go to public addresses (FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1 allows others)';

/** Why a parsed URL's host is refused as it is written (an address or a localhost name), or undefined. */
function hostProblem(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLocalhostName(host)) return `${host} is a loopback name: ${ALLOW_HINT}`;
  const kind = nonPublicAddress(host);
  return kind === undefined ? undefined : `${host} is ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address: ${ALLOW_HINT}`;
}

/**
 * The check when a webhook URL is saved: why it is refused, or undefined. The URL must be http(s) and its host
 * must not be a non-public address or a localhost name (URL parsing first normalises other spellings of an IPv4
 * address: 2130706433, 0x7f.1 and 0177.0.0.1 are 127.0.0.1). Other names are checked when sending.
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http:// or https:// URL';
  return allowPrivate ? undefined : hostProblem(parsed);
}

/** Every address of a name (the system resolver, as connections use). */
export type Resolve = (host: string) => Promise<dns.LookupAddress[]>;
const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * A `lookup` for http(s).request that refuses a name when any of its addresses is not public (one public
 * address among private ones does not make it safe: the connection may use any of them).
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolve = systemResolve): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family || 0;
        const usable = family === 0 ? all : all.filter((a) => a.family === family);
        const bad = allowPrivate ? undefined : all.find((a) => nonPublicAddress(a.address) !== undefined);
        if (bad) {
          const kind = nonPublicAddress(bad.address)!;
          callback(new WebhookTargetRefused(`${hostname} resolves to ${bad.address}, ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address: ${ALLOW_HINT}`), '');
        } else if (usable.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        } else if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  headers?: Record<string, string>;
  /** Name resolution (tests); default: the system resolver. */
  resolve?: Resolve;
}

/**
 * POSTs `body` as JSON to a webhook URL whose target is checked as above, and answers the HTTP status (the
 * response body is discarded; redirects are not followed). Throws WebhookTargetRefused when the target is not a
 * public address, or the network error.
 */
export function postJson(url: string, body: unknown, options: PostOptions): Promise<number> {
  return postRaw(url, JSON.stringify(body), options);
}

/**
 * postJson for a body already serialized: sends exactly these bytes (a signed body must arrive as it was
 * signed), as application/json, through the same target check.
 */
export function postRaw(url: string, body: string, options: PostOptions): Promise<number> {
  const problem = webhookUrlProblem(url, options.allowPrivate);
  if (problem) return Promise.reject(new WebhookTargetRefused(problem));
  const target = new URL(url);
  const data = Buffer.from(body);
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': String(data.length) },
        agent: false, // a connection per delivery: each is looked up (and checked) again
        lookup: guardedLookup(options.allowPrivate, options.resolve),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (err) => reject(err.name === 'AbortError' ? new Error(`no answer within ${options.timeoutMs} ms`) : err));
    req.end(data);
  });
}
