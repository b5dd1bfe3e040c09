/** The frame of every signed-in page: brand, navigation, who is signed in, sign-out. */
import type { ReactNode } from 'react';
import type { Who } from '../api.js';
import { linkProps } from '../router.js';
import { FiringCount } from './AlertBits.js';
import { ConnectionBanner, LastUpdated } from './ConnectionBanner.js';

const PAGES = [
  ['/', 'Workflows'],
  ['/overview', 'Overview'],
  ['/costs', 'Costs'],
  ['/activity', 'Activity'],
  ['/errors', 'Errors'],
  ['/dashboards', 'Dashboards'],
  ['/experiments', 'Experiments'],
  ['/alerts', 'Alerts'],
  ['/integrations', 'Integrations'],
  ['/settings', 'Settings'],
] as const;

export function Layout({ who, current, onSignOut, children }: { who: Who; current: string; onSignOut: () => void; children: ReactNode }) {
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" {...linkProps('/')}>
          <span className="brand-mark" aria-hidden="true" />
          {who.brand_name || 'Flowlens'}
        </a>
        <nav aria-label="Main">
          {PAGES.map(([href, label]) => (
            <a key={href} {...linkProps(href)} aria-current={current === href || (href !== '/' && current.startsWith(`${href}/`)) ? 'page' : undefined}>
              {label}
              {href === '/alerts' && <FiringCount />}
            </a>
          ))}
          <a href="/docs" target="_blank" rel="noreferrer">
            API
          </a>
        </nav>
        <div className="who">
          <LastUpdated />
          {who.role && (
            <span className="muted small hide-narrow" title={`account ${who.account_id}`}>
              {who.user_id || who.key_name} · {who.role}
            </span>
          )}
          <button type="button" className="button button-quiet" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <main className="main">{children}</main>
    </div>
  );
}
