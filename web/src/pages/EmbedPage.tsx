/**
 * `/embed/{token}`: a dashboard opened by a public link, read-only and without the app's navigation — for a browser
 * without a session, or inside an iframe on an origin the dashboard allows (the server's frame-ancestors refuses the
 * others). White-labelled with the account's name, logo and accent colour.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { dashboardQueries, publicProblem } from '../dashboard-queries.js';
import { DashboardGrid } from '../components/DashboardGrid.js';
import { Skeleton } from '../components/States.js';
import { formatInstant } from '../format.js';
import '../dashboards.css';

export function EmbedPage({ token }: { token: string }) {
  const view = useQuery(dashboardQueries.public(token));
  const locale = typeof navigator !== 'undefined' ? navigator.language : undefined;
  const branding = view.data?.branding;
  useEffect(() => {
    if (branding?.accent_color) document.documentElement.style.setProperty('--accent', branding.accent_color);
    document.title = view.data ? `${view.data.dashboard.name}${branding?.brand_name ? ` · ${branding.brand_name}` : ''}` : 'Dashboard';
  }, [branding?.accent_color, branding?.brand_name, view.data]);

  if (view.isError) {
    return (
      <main className="embed" data-embed="unavailable">
        <div className="state state-error" role="alert">
          <strong>This dashboard cannot be shown.</strong>
          <p>{publicProblem(view.error)}</p>
        </div>
      </main>
    );
  }
  if (!view.data) return <main className="embed"><Skeleton height={320} label="Loading dashboard" /></main>;
  const d = view.data;
  const data = new Map(d.widgets.map((w) => [w.widget_id, w]));
  return (
    <main className="embed" data-embed="ready">
      <header className="embed-head">
        {branding?.logo_data_url && <img className="embed-logo" src={branding.logo_data_url} alt={branding.brand_name ?? ''} />}
        <div>
          {branding?.brand_name && <div className="embed-brand">{branding.brand_name}</div>}
          <h1>{d.dashboard.name}</h1>
          {d.dashboard.description && <p className="muted small">{d.dashboard.description}</p>}
        </div>
        <p className="muted small embed-meta">
          {d.workflows.map((w) => w.name).join(', ')} · as of {formatInstant(d.generated_at, locale)}
          {d.expires_at && <> · link valid until {formatInstant(d.expires_at, locale)}</>}
        </p>
      </header>
      <DashboardGrid widgets={d.dashboard.widgets} dataOf={(w) => data.get(w.widget_id)} locale={locale} accent={branding?.accent_color ?? undefined} />
    </main>
  );
}
