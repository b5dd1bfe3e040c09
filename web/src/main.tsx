/** The dashboard's entry: who is signed in decides between the sign-in page and the app's pages. */
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, whenSignedOut, type Who } from './api.js';
import { retryDelay, shouldRetry } from './connection.js';
import { Layout } from './components/Layout.js';
import { ErrorState, Skeleton } from './components/States.js';
import { AlertsPage } from './pages/AlertsPage.js';
import { DashboardList, DashboardPage, EmbedPage } from './pages/dashboard-pages.js';
import { ExperimentList } from './pages/ExperimentList.js';
import { ExperimentPage } from './pages/ExperimentPage.js';
import { IntegrationsPage } from './pages/Integrations.js';
import { NotFound } from './pages/NotFound.js';
import { SignIn } from './pages/SignIn.js';
import { WorkflowList } from './pages/WorkflowList.js';
import { WorkflowPage } from './pages/WorkflowPage.js';
import { Activity } from './pages/platform/Activity.js';
import { Costs } from './pages/platform/Costs.js';
import { Errors } from './pages/platform/Errors.js';
import { Overview } from './pages/platform/Overview.js';
import { Settings, settingsSectionOfPath } from './pages/settings/Settings.js';
import { experimentOfPath } from './experiment-queries.js';
import { dashboardOfPath, embedTokenOfPath } from './dashboard-queries.js';
import { navigate, useLocation } from './router.js';
import { prefetchWorkflowPage, workflowOfPath } from './workflow-queries.js';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // a 4xx will not get better by asking again; an unreachable server is asked until it answers (1 s doubling to 10 s)
      retry: (n, error) => shouldRetry(n, error, (e) => e instanceof ApiError && e.status < 500),
      retryDelay,
    },
  },
});

function App() {
  const queries = useQueryClient();
  const { path, search } = useLocation();
  const who = useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      const w = await api<Who | { signed_in: false }>('/api/v1/session');
      return w.signed_in ? w : null;
    },
    staleTime: Infinity,
  });
  // another key may see other workflows: nothing fetched for the previous one is kept
  const forgetData = () => queries.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
  const locale = typeof navigator !== 'undefined' ? navigator.language : undefined;

  useEffect(() => whenSignedOut(() => queries.setQueryData(['session'], null)), [queries]);
  useEffect(() => {
    const accent = who.data?.accent_color;
    if (accent) document.documentElement.style.setProperty('--accent', accent);
  }, [who.data?.accent_color]);

  const signedOut = who.data === null || (who.error instanceof ApiError && who.error.status === 401);
  // with the sign-in hint, the page renders at once and says who is signed in when the check answers
  const provisional = who.isLoading && hinted && path !== '/sign-in' ? PROVISIONAL : null;
  if (who.isLoading && !provisional) return <Skeleton height={48} label="Loading" />;
  if (signedOut || path === '/sign-in') {
    if (!signedOut && who.data && path === '/sign-in' && !window.location.hash) {
      navigate('/', { replace: true });
      return null;
    }
    return (
      <SignIn
        onSignedIn={(w) => {
          forgetData();
          queries.setQueryData(['session'], w);
          if (path === '/sign-in') navigate('/', { replace: true });
        }}
      />
    );
  }
  const me = who.data ?? provisional;
  if (!me) return <ErrorState error={who.error} onRetry={() => void who.refetch()} />;

  const signOut = async () => {
    await api('/api/v1/session', { method: 'DELETE' }).catch(() => undefined);
    queries.setQueryData(['session'], null);
    forgetData();
    navigate('/sign-in');
  };
  const workflow = workflowOfPath(path);
  const experiment = experimentOfPath(path);
  const dashboard = dashboardOfPath(path);
  // viewers read; the API refuses them any change, so the experiment page shows them no buttons
  const canChange = me.is_operator || me.role === 'admin' || me.role === 'member';
  // alert rules and silences are the admins' (the API refuses them to anyone else)
  const isAdmin = me.is_operator || me.role === 'admin';
  return (
    <Layout who={me} current={path} onSignOut={() => void signOut()}>
      {workflow ? (
        <WorkflowPage key={workflow} workflowId={workflow} search={search} locale={locale} accent={me.accent_color ?? undefined} />
      ) : experiment ? (
        <ExperimentPage key={experiment} experimentId={experiment} locale={locale} canChange={canChange} />
      ) : dashboard ? (
        <DashboardPage key={dashboard} dashboardId={dashboard} locale={locale} accent={me.accent_color ?? undefined} />
      ) : path === '/dashboards' ? (
        <DashboardList locale={locale} canChange={canChange} />
      ) : path === '/alerts' ? (
        <AlertsPage search={search} locale={locale} canChange={canChange} isAdmin={isAdmin} />
      ) : path === '/integrations' ? (
        <IntegrationsPage locale={locale} isAdmin={isAdmin} />
      ) : path === '/experiments' ? (
        <ExperimentList search={search} locale={locale} />
      ) : path === '/' ? (
        <WorkflowList search={search} locale={locale} />
      ) : path === '/overview' ? (
        <Overview search={search} locale={locale} />
      ) : path === '/costs' ? (
        <Costs search={search} locale={locale} />
      ) : path === '/activity' ? (
        <Activity search={search} locale={locale} />
      ) : path === '/errors' ? (
        <Errors search={search} locale={locale} />
      ) : settingsSectionOfPath(path) !== null ? (
        <Settings section={settingsSectionOfPath(path)!} who={me} locale={locale} />
      ) : (
        <NotFound />
      )}
    </Layout>
  );
}

/** Set at sign-in next to the HTTP-only session cookie, without secret: a session probably exists. */
const hinted = document.cookie.split('; ').includes('flowlens_signed_in=1');
/** Who is signed in while the check is under way (the layout shows no name until it answers). */
const PROVISIONAL: Who = { signed_in: true, account_id: '', role: '', user_id: '', key_name: '', is_operator: false, expires_at: null, brand_name: null, accent_color: null };

// opening a workflow page: its figures are asked for now, alongside the sign-in check (the cookie answers both)
if (hinted) prefetchWorkflowPage(client, window.location.pathname, window.location.search);

// an embed page (/embed/{token}) is a public link's dashboard: no session, no navigation
const embedToken = embedTokenOfPath(window.location.pathname);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      {embedToken ? <EmbedPage token={embedToken} /> : <App />}
    </QueryClientProvider>
  </StrictMode>,
);
