/**
 * Sign-in: paste an API key (or open the link `npm start` prints, which carries it in the URL's
 * fragment — never sent to the server in the URL — and signs in at once). The key is traded for an
 * HTTP-only session cookie and is not kept anywhere in the browser.
 */
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type Who } from '../api.js';
import { usePageTitle } from '../use-page-title.js';

export function SignIn({ onSignedIn }: { onSignedIn: (who: Who) => void }) {
  const [key, setKey] = useState('');
  usePageTitle('Sign in');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tried = useRef<string | null>(null);

  async function signIn(apiKey: string) {
    setBusy(true);
    setError(null);
    try {
      const who = await api<Who>('/api/v1/session', { method: 'POST', body: { api_key: apiKey } });
      setKey('');
      onSignedIn(who);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const fromLink = () => {
      const linked = new URLSearchParams(window.location.hash.slice(1)).get('key');
      if (!linked || tried.current === linked) return;
      tried.current = linked;
      // drop the key from the address bar and history before anything else
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      void signIn(linked);
    };
    fromLink();
    // the link opened in a tab that already shows this page changes only the fragment
    window.addEventListener('hashchange', fromLink);
    return () => window.removeEventListener('hashchange', fromLink);
  }, []);

  return (
    <div className="signin">
      <form
        className="signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) void signIn(key.trim());
        }}
      >
        <h1>
          <span className="brand-mark" aria-hidden="true" /> Flowlens
        </h1>
        <p className="muted">How your workflows perform: enrollments, funnels, actions, live.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellCheck={false} placeholder="fl_…" value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">The key is exchanged for a session cookie and is not stored in this browser. Any admin, member or viewer key works; `npm start` prints a sign-in link.</p>
      </form>
    </div>
  );
}
