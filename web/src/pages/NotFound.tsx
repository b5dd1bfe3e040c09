/** The app's own answer for an address it does not know: a page that does not exist, or a workflow that does not. */
import type { ReactNode } from 'react';
import { linkProps } from '../router.js';

export function NotFound({ title = 'Page not found', children }: { title?: string; children?: ReactNode }) {
  return (
    <section className="panel not-found" data-not-found>
      <h1>{title}</h1>
      {children ?? <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>}
      <p>
        <a className="button" {...linkProps('/')}>
          Go to the workflows
        </a>
      </p>
    </section>
  );
}
