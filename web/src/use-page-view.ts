/** A page's view, read from the URL and written back to it (the whole view, so the address can be shared as it is). */
import { useEffect } from 'react';
import { navigate } from './router.js';
import { parseView, viewSearch, type View } from './view-state.js';

export function usePageView(path: string, search: string): [View, (v: View) => void] {
  const view = parseView(search);
  const setView = (v: View) => navigate(`${path}${viewSearch(v)}`, { replace: true });
  useEffect(() => {
    if (search !== viewSearch(view)) setView(view);
  }, [search]);
  return [view, setView];
}
