/** A small Server-Sent Events client over fetch, for tests and benchmarks. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: any;
  comment?: string;
  receivedAt: number;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** Messages received so far (comments included), in order. */
  messages: SseMessage[];
  /** Waits for the next message satisfying `match` that arrives after the `from`-th one. */
  next(match?: (m: SseMessage) => boolean, timeoutMs?: number, from?: number): Promise<SseMessage>;
  close(): void;
  closed: Promise<void>;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  let done: () => void = () => {};
  const closed = new Promise<void>((r) => (done = r));
  if (res.body && res.status === 200) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const m: SseMessage = { receivedAt: performance.now() };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) m.comment = line.slice(1).trim();
              else if (line.startsWith('id: ')) m.id = line.slice(4);
              else if (line.startsWith('event: ')) m.event = line.slice(7);
              else if (line.startsWith('data: ')) m.data = JSON.parse(line.slice(6));
            }
            messages.push(m);
            for (const w of waiters) w();
          }
        }
      } catch {
        /* aborted */
      } finally {
        done();
        for (const w of waiters) w();
      }
    })();
  } else done();
  let cursor = 0;
  return {
    status: res.status,
    headers: res.headers,
    messages,
    closed,
    close: () => controller.abort(),
    next(match = (m) => m.event === 'metrics_update', timeoutMs = 10_000, from) {
      let start = from ?? cursor;
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let j = start; j < messages.length; j++) {
            if (match(messages[j]!)) {
              cursor = j + 1;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(messages[j]!);
              return;
            }
          }
          start = messages.length;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching SSE message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-5))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
