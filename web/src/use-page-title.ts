/**
 * Each page its own browser title ("Errors · Flowlens", "Lead qualification · Workflows · Flowlens"), so tabs,
 * history and bookmarks tell pages apart. A page calls usePageTitle with its name (or null while it is unknown).
 */
import { useEffect } from 'react';

export const APP_TITLE = 'Flowlens';

/** The title of a page: its parts, most specific first, then the app's name. */
export function pageTitle(...parts: Array<string | null | undefined>): string {
  return [...parts.filter((p): p is string => Boolean(p)), APP_TITLE].join(' · ');
}

export function usePageTitle(...parts: Array<string | null | undefined>): void {
  const title = pageTitle(...parts);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
