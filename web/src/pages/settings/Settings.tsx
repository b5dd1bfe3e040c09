/**
 * `/settings/{section}`: what the account sets up in the page — budgets, scheduled reports, API keys, who may read
 * each workflow, ROI assumptions. Each role sees the sections the API lets it use: admins all of them, members the
 * access lists of their own workflows and the ROI assumptions read-only, viewers the ROI assumptions read-only. A
 * section the API would refuse is neither linked nor rendered, so no form is offered that cannot be submitted.
 */
import type { Who } from '../../api.js';
import { Skeleton } from '../../components/States.js';
import { linkProps } from '../../router.js';
import { AccessSettings } from './Access.js';
import { ApiKeys } from './ApiKeys.js';
import { Budgets } from './Budgets.js';
import { Reports } from './Reports.js';
import { RoiSettings } from './Roi.js';
import { rightsOf } from './rights.js';
import '../../settings.css';

const SECTIONS = [
  { key: 'budgets', label: 'Budgets', admin: true },
  { key: 'reports', label: 'Scheduled reports', admin: true },
  { key: 'api-keys', label: 'API keys', admin: true },
  { key: 'access', label: 'Access', admin: false },
  { key: 'roi', label: 'ROI assumptions', admin: false },
] as const;

/** The section of a /settings path ('' for /settings itself). */
export function settingsSectionOfPath(path: string): string | null {
  const m = /^\/settings(?:\/([^/]+))?\/?$/.exec(path);
  return m ? (m[1] ?? '') : null;
}

export function Settings({ section, who, locale }: { section: string; who: Who; locale?: string | undefined }) {
  // until the session check answers, the role is unknown: nothing is offered or refused on a guess
  if (!who.role && !who.is_operator) return <Skeleton height={160} label="Loading settings" />;
  const rights = rightsOf(who);
  const visible = SECTIONS.filter((s) => (s.admin ? rights.admin : s.key === 'roi' || rights.admin || rights.member));
  const current = visible.find((s) => s.key === section) ?? visible[0]!;
  return (
    <>
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <nav className="settings-nav" aria-label="Settings">
        {visible.map((s) => (
          <a key={s.key} {...linkProps(`/settings/${s.key}`)} aria-current={s.key === current.key ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      {!rights.admin && (
        <p className="muted small" data-read-only="">
          Budgets, scheduled reports, API keys and the account's ROI assumptions are set by the account's admins{rights.member ? '; you share the workflows you own' : ''}.
        </p>
      )}
      {section !== '' && section !== current.key && <p className="muted small">There is no settings section “{section}” for your role; showing {current.label}.</p>}
      {current.key === 'budgets' ? (
        <Budgets locale={locale} />
      ) : current.key === 'reports' ? (
        <Reports locale={locale} />
      ) : current.key === 'api-keys' ? (
        <ApiKeys locale={locale} />
      ) : current.key === 'access' ? (
        <AccessSettings rights={rights} locale={locale} />
      ) : (
        <RoiSettings canChange={rights.admin} locale={locale} />
      )}
    </>
  );
}
