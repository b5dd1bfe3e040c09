/**
 * Live figures: while a workflow page is open, its SSE stream says when figures change and the page
 * refetches them (at most once a second). EventSource reconnects by itself (resuming with Last-Event-ID);
 * when the stream cannot be opened at all (no EventSource, a proxy that buffers, a refused request) the
 * page polls every 15 s instead — the summary's ETag makes an unchanged poll a 304 — and tries the stream again.
 * The stream also says when an alert of the workflow fires or resolves (`event: alert`): `onAlert` hears it.
 * A broken stream marks the app's connection down (connection.ts: one banner); when it opens again, the page
 * refetches, since figures may have changed while it was away.
 */
import { useEffect, useRef, useState } from 'react';
import { parseAlertNotice, type AlertNotice } from './alert-model.js';
import { query } from './api.js';
import { reportAnswer, reportUnreachable } from './connection.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'polling';

const POLL_MS = 15_000;
const RETRY_STREAM_MS = 60_000;
const MIN_REFRESH_MS = 1_000;

export function useLive(streamPath: string | null, params: Record<string, string | number | undefined>, onChange: () => void, onAlert?: (n: AlertNotice) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const changed = useRef(onChange);
  changed.current = onChange;
  const alerted = useRef(onAlert);
  alerted.current = onAlert;
  const url = streamPath ? streamPath + query(params) : null;

  useEffect(() => {
    if (!url) return;
    let closed = false;
    let source: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    let broken = false;

    const refresh = () => {
      if (pending) return;
      const wait = Math.max(0, last + MIN_REFRESH_MS - Date.now());
      pending = setTimeout(() => {
        pending = undefined;
        last = Date.now();
        changed.current();
      }, wait);
    };

    const startPolling = () => {
      setStatus('polling');
      poll ??= setInterval(() => changed.current(), POLL_MS);
      retry = setTimeout(open, RETRY_STREAM_MS);
    };

    function open() {
      if (closed) return;
      if (typeof EventSource === 'undefined') return startPolling();
      source = new EventSource(url!);
      source.addEventListener('open', () => {
        setStatus('live');
        reportAnswer();
        if (broken) refresh();
        broken = false;
        if (poll) clearInterval(poll);
        poll = undefined;
      });
      source.addEventListener('metrics_update', (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { snapshot?: boolean };
        // the first message is the current state, which the page already loaded
        if (!data.snapshot) refresh();
      });
      source.addEventListener('alert', (e) => {
        const n = parseAlertNotice((e as MessageEvent<string>).data);
        if (n) alerted.current?.(n);
      });
      source.addEventListener('error', () => {
        broken = true;
        reportUnreachable();
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          source = null;
          startPolling();
        } else setStatus('reconnecting');
      });
    }

    setStatus('connecting');
    open();
    return () => {
      closed = true;
      source?.close();
      clearInterval(poll);
      clearTimeout(retry);
      clearTimeout(pending);
    };
  }, [url]);

  return status;
}
