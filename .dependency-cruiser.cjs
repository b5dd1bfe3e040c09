/**
 * The layering of Flowlens, checked by dependency-cruiser in `npm test` (scripts/test.mjs runs `npm run lint:deps`
 * first). The README's "Architecture" section is drawn from these rules: change both together.
 *
 *   web ──types──▶ contract            (and charts and format: pure presentation shared with the PDF report)
 *   cli ─▶ runtime ─▶ http ─▶ everything below
 *   jobs, reports, exports, realtime, budgets, experiments, alerts, insights, dashboards, privacy, audit, auth ─▶ metrics, catalog, derived tables, ingest
 *   metrics ─▶ stats, catalog, store, time, errors
 *   ingest ─▶ catalog, store, time, errors
 *   store ─▶ errors (and config for the adapter factory)
 *   stats, time, errors, contract, format: nothing of the project (pure)
 *   packages/* (the SDK): their own sources and Node built-ins only (tests may import the server)
 *
 * That the web imports the contract as types only (import type, erased from the bundle) is checked by
 * test/architecture.test.ts: dependency-cruiser reads TypeScript through swc here (TypeScript 7 has no
 * compiler API it can use), which does not tell type-only imports apart.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
const TESTS = '\\.test\\.tsx?$'; // a test may reach across layers to set up what it checks

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the shared part into a module both can import.',
      from: { path: '^(src|web/src)/' },
      to: { circular: true },
    },
    {
      name: 'only-runtime-imports-http',
      severity: 'error',
      comment: 'The HTTP layer sits on top: the domain (store, ingest, metrics, stats, catalog, auth, exports, …) never imports it. Throw a domain error (src/errors) instead of an HTTP problem.',
      from: { path: '^src/', pathNot: ['^src/(http/|runtime\\.ts$)', TESTS] },
      to: { path: '^src/http/' },
    },
    {
      name: 'pure-modules-import-nothing-of-the-project',
      severity: 'error',
      comment: 'Statistics, calendar and timezone maths, domain errors, the API contract and the formats are pure: they import nothing of the project (tested on their own, reused anywhere).',
      from: { path: '^src/(stats|time|errors|contract|format)/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/$1/' },
    },
    {
      name: 'store-is-the-bottom',
      severity: 'error',
      comment: 'The store speaks SQL to the engine and knows nothing above it (config only for the adapter factory).',
      from: { path: '^src/store/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/(store|errors|config)/' },
    },
    {
      name: 'metrics-below-the-features',
      severity: 'error',
      comment: 'Figures are computed from the store, the catalog and the statistics; they never reach up into jobs, reports, exports, live streams, budgets, experiments, alerts, insights, dashboards or the CLI.',
      from: { path: '^src/(metrics|stats|catalog|ingest)/', pathNot: TESTS },
      to: { path: '^src/(jobs|reports|exports|realtime|budgets|experiments|alerts|insights|dashboards|privacy|cli|demo|charts)/' },
    },
    {
      name: 'web-imports-only-the-contract',
      severity: 'error',
      comment: 'The dashboard imports nothing of the server but the API contract (as types only) and the pure chart options and formats it shares with the PDF report.',
      from: { path: '^web/src/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/(contract|charts|format)/' },
    },
    {
      name: 'packages-stand-alone',
      severity: 'error',
      comment: 'A package under packages/ (the SDK) is published on its own: its sources import only their own package and Node built-ins — nothing of src/, web/, test/ or bench/. Its tests may import the server, to check against it. (npm packages are excluded from the cruise here: that the SDK imports none is checked by packages/sdk/test/architecture.test.ts.)',
      from: { path: '^packages/([^/]+)/src/' },
      to: { pathNot: '^packages/$1/src/', dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
