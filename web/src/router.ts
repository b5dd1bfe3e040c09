/** A tiny history router: the current path and query, and navigate() to change them without a reload. */
import { useSyncExternalStore } from 'react';

const CHANGE = 'flowlens:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): { path: string; search: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const i = href.indexOf('?');
  return i < 0 ? { path: href, search: '' } : { path: href.slice(0, i), search: href.slice(i) };
}

/** Goes to a URL of the app; `replace` for changes of the same view (filters), so Back leaves the page. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (url === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
}

/** Props for an <a> that navigates inside the app (a real link: middle-click and copy work). */
export function linkProps(url: string) {
  return {
    href: url,
    onClick: (e: { preventDefault(): void; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; button: number }) => {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(url);
    },
  };
}
