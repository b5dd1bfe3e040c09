/**
 * The dashboard pages, loaded on demand: the builder, its list and the embed page are their own chunk, so the rest of
 * the app does not grow with them (and an embed page loads only what it shows).
 */
import { lazy, Suspense, type ComponentProps } from 'react';
import { Skeleton } from '../components/States.js';

const List = lazy(() => import('./DashboardList.js').then((m) => ({ default: m.DashboardList })));
const Page = lazy(() => import('./DashboardPage.js').then((m) => ({ default: m.DashboardPage })));
const Embed = lazy(() => import('./EmbedPage.js').then((m) => ({ default: m.EmbedPage })));

const loading = <Skeleton height={320} label="Loading dashboard" />;

export function DashboardList(props: ComponentProps<typeof List>) {
  return <Suspense fallback={loading}><List {...props} /></Suspense>;
}
export function DashboardPage(props: ComponentProps<typeof Page>) {
  return <Suspense fallback={loading}><Page {...props} /></Suspense>;
}
export function EmbedPage(props: ComponentProps<typeof Embed>) {
  return <Suspense fallback={loading}><Embed {...props} /></Suspense>;
}
