/** `/activity`: who uses the platform — active users, logins, sessions, features, engagement (admins). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { PALETTE, seriesOptions } from '../../../../src/charts/options.js';
import { api, query } from '../../api.js';
import { Breakdown } from '../../components/Breakdown.js';
import { DataTable } from '../../components/DataTable.js';
import { FigureCards } from '../../components/FigureCards.js';
import { LazyChart } from '../../components/LazyChart.js';
import { ErrorState, QueryState, Skeleton } from '../../components/States.js';
import { formatCount, formatDuration } from '../../format.js';
import type { ActivityResponse, EngagementResponse } from '../../platform-api.js';
import { dates, PageHead, periodParams } from './common.js';
import { usePageView } from '../../use-page-view.js';
import { UserRetention } from '../../components/UserRetention.js';

export function Activity({ search, locale }: { search: string; locale?: string | undefined }) {
  const [view, setView] = usePageView('/activity', search);
  const p = periodParams(view);
  const activity = useQuery({ queryKey: ['platform', 'activity', p], queryFn: () => api<ActivityResponse>(`/api/v1/analytics/activity${query(p)}`), placeholderData: keepPreviousData });
  const engagement = useQuery({ queryKey: ['platform', 'engagement', p], queryFn: () => api<EngagementResponse>(`/api/v1/analytics/activity/engagement${query(p)}`), placeholderData: keepPreviousData });
  const chart = useMemo(() => {
    const b = activity.data?.buckets ?? [];
    return seriesOptions(dates(b), [
      { name: 'Active users', data: b.map((x) => x.active_users), type: 'line', color: PALETTE.primary },
      { name: 'Logins', data: b.map((x) => x.logins), color: PALETTE.goal },
    ]);
  }, [activity.data]);

  const a = activity.data;
  return (
    <>
      <PageHead title="User activity" view={view} onChange={setView} />
      {activity.isError ? (
        <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
      ) : !a ? (
        <Skeleton height={180} label="Loading activity" />
      ) : (
        <>
          <FigureCards
            locale={locale}
            cards={[
              { key: 'active_users', label: 'Active users', value: a.active_users.period, text: formatCount(a.active_users.period, locale), note: `${formatCount(a.active_users.daily_average, locale)} a day on average` },
              { key: 'logins', label: 'Logins', value: a.totals.logins, text: formatCount(a.totals.logins, locale) },
              { key: 'sessions', label: 'Sessions', value: a.sessions.sessions, text: formatCount(a.sessions.sessions, locale) },
              { key: 'session_p50', label: 'Median session', value: a.sessions.length_seconds.p50, text: formatDuration(a.sessions.length_seconds.p50, locale) },
            ]}
          />
          <div className="grid-2">
            <section className="panel">
              <div className="panel-head">
                <h2>Active users and logins</h2>
              </div>
              <LazyChart options={chart} label="Active users and logins per bucket" height={260} />
            </section>
            <section className="panel">
              <div className="panel-head">
                <h2>Feature usage</h2>
              </div>
              <Breakdown name="Feature usage" counts={Object.fromEntries(a.features.map((f) => [f.action, f.events]))} empty="No activity in this period." locale={locale} />
            </section>
          </div>
        </>
      )}
      <section className="panel">
        <div className="panel-head">
          <h2>Engagement</h2>
          {engagement.data && <span className="muted small" title={engagement.data.formula}>score = 40% recency + 40% frequency + 20% breadth</span>}
        </div>
        <QueryState query={engagement} skeleton={200} empty={(d) => d.users.length === 0 && 'Nobody was active in this period.'}>
          {(d) => (
            <DataTable
              label="Engagement"
              rows={d.users}
              rowKey={(u) => u.user_id}
              rowData={(u) => ({ user: u.user_id })}
              columns={[
                { label: 'User', cell: (u) => u.user_id },
                { label: 'Score', numeric: true, cell: (u) => u.score.toFixed(1), value: (u) => u.score },
                { label: 'Level', cell: (u) => <span className={`badge level-${u.level}`}>{u.level}</span> },
                { label: 'Active days', numeric: true, cell: (u) => formatCount(u.active_days, locale) },
                { label: 'Features', numeric: true, cell: (u) => formatCount(u.features_used, locale) },
                { label: 'Events', numeric: true, cell: (u) => formatCount(u.events, locale) },
                { label: 'Last seen', cell: (u) => (u.last_seen ? new Date(u.last_seen).toLocaleString(locale, { timeZone: view.timezone, dateStyle: 'medium', timeStyle: 'short' }) : '—') },
              ]}
            />
          )}
        </QueryState>
      </section>
      <UserRetention params={p} locale={locale} />
    </>
  );
}
