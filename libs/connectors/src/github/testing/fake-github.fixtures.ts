/**
 * The fictional `northwind` organization the fake GitHub serves: three repositories with
 * issues, pull requests (some awaiting review), commits, branches and workflow runs.
 * Written compactly here; the fake expands each record into GitHub's full wire shape.
 */

export const FIXTURE_ORG = 'northwind';

export interface RepoFixture {
  name: string;
  description: string | null;
  private: boolean;
  default_branch: string;
  updated_at: string;
}

export interface IssueFixture {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  author: string;
  labels: string[];
  assignees: string[];
  created_at: string;
  updated_at: string;
  /** Present for pull requests. */
  pull?: { draft: boolean; requested_reviewers: string[]; head: string; base: string; merged: boolean };
}

export interface CommitFixture {
  repo: string;
  branch: string;
  sha: string;
  message: string;
  author: string;
  date: string;
}

export interface BranchFixture {
  repo: string;
  name: string;
  protected: boolean;
}

export interface WorkflowRunFixture {
  repo: string;
  id: number;
  name: string;
  run_number: number;
  head_branch: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  created_at: string;
}

export const REPOS: readonly RepoFixture[] = [
  { name: 'web', description: 'Storefront web app (Next.js)', private: false, default_branch: 'main', updated_at: '2025-03-14T16:20:00Z' },
  { name: 'api', description: 'Orders, checkout and payments API', private: true, default_branch: 'main', updated_at: '2025-03-13T09:05:00Z' },
  { name: 'infra', description: null, private: true, default_branch: 'main', updated_at: '2025-02-27T11:40:00Z' },
];

export const ISSUES: readonly IssueFixture[] = [
  {
    repo: 'web', number: 101, title: 'Checkout button unresponsive on Safari 17', state: 'open', author: 'dana',
    body: 'Clicking "Pay now" on Safari 17 does nothing; the console shows a TypeError in checkout.js.',
    labels: ['bug', 'checkout'], assignees: ['erin'], created_at: '2025-03-10T08:00:00Z', updated_at: '2025-03-14T10:00:00Z',
  },
  {
    repo: 'web', number: 102, title: 'Add dark mode to the account pages', state: 'open', author: 'frank',
    body: 'Customers keep asking for a dark theme.', labels: ['enhancement'], assignees: [],
    created_at: '2025-03-01T12:00:00Z', updated_at: '2025-03-02T12:00:00Z',
  },
  {
    repo: 'web', number: 103, title: 'Broken product images after CDN migration', state: 'closed', author: 'dana',
    body: 'Images 404 since the CDN switch.', labels: ['bug'], assignees: ['erin'],
    created_at: '2025-02-20T09:00:00Z', updated_at: '2025-02-22T09:00:00Z',
  },
  {
    repo: 'web', number: 104, title: 'Checkout times out when the cart has more than 50 items', state: 'open', author: 'grace',
    body: 'Large carts hit the 30 s gateway timeout during checkout.', labels: ['bug', 'priority:high'], assignees: ['erin', 'henry'],
    created_at: '2025-03-12T15:30:00Z', updated_at: '2025-03-13T08:45:00Z',
  },
  {
    repo: 'web', number: 105, title: 'Search results ignore diacritics', state: 'open', author: 'ivan',
    body: null, labels: ['bug'], assignees: [], created_at: '2025-03-05T10:00:00Z', updated_at: '2025-03-05T10:00:00Z',
  },
  {
    repo: 'web', number: 110, title: 'Fix Safari checkout button handler', state: 'open', author: 'erin',
    body: 'Fixes #101 by binding the click handler after hydration.', labels: ['checkout'], assignees: ['erin'],
    created_at: '2025-03-13T11:00:00Z', updated_at: '2025-03-14T16:00:00Z',
    pull: { draft: false, requested_reviewers: ['carol'], head: 'fix/safari-checkout', base: 'main', merged: false },
  },
  {
    repo: 'web', number: 111, title: 'WIP: dark mode for account pages', state: 'open', author: 'frank',
    body: 'Early draft, not ready.', labels: ['enhancement'], assignees: ['frank'],
    created_at: '2025-03-08T09:00:00Z', updated_at: '2025-03-09T09:00:00Z',
    pull: { draft: true, requested_reviewers: [], head: 'feature/dark-mode', base: 'main', merged: false },
  },
  {
    repo: 'web', number: 112, title: 'Upgrade to React 19', state: 'closed', author: 'henry',
    body: null, labels: ['dependencies'], assignees: [],
    created_at: '2025-02-10T09:00:00Z', updated_at: '2025-02-12T09:00:00Z',
    pull: { draft: false, requested_reviewers: [], head: 'chore/react-19', base: 'main', merged: true },
  },
  {
    repo: 'api', number: 201, title: 'Payment webhook retries exhaust the job queue', state: 'open', author: 'alice',
    body: 'When the payment provider is down, webhook retries pile up and starve the order queue.',
    labels: ['bug', 'payments'], assignees: ['bob'], created_at: '2025-03-11T07:00:00Z', updated_at: '2025-03-13T07:00:00Z',
  },
  {
    repo: 'api', number: 202, title: 'Rate limit the refund endpoint', state: 'open', author: 'carol',
    body: 'Refunds should be limited to 10 per minute per merchant.', labels: ['security'], assignees: [],
    created_at: '2025-03-04T07:00:00Z', updated_at: '2025-03-04T07:00:00Z',
  },
  {
    repo: 'api', number: 210, title: 'Add idempotency keys to refunds', state: 'open', author: 'bob',
    body: 'Prevents double refunds when a client retries.', labels: ['payments'], assignees: ['bob'],
    created_at: '2025-03-12T13:00:00Z', updated_at: '2025-03-13T09:00:00Z',
    pull: { draft: false, requested_reviewers: ['alice', 'dana'], head: 'feature/refund-idempotency', base: 'main', merged: false },
  },
  {
    repo: 'infra', number: 301, title: 'Rotate the staging database credentials', state: 'open', author: 'henry',
    body: 'Quarterly rotation is overdue.', labels: ['ops'], assignees: ['henry'],
    created_at: '2025-02-25T07:00:00Z', updated_at: '2025-02-27T11:40:00Z',
  },
];

const WEB_COMMIT_MESSAGES = [
  'Bind checkout click handler after hydration',
  'Add Safari 17 to the browser test matrix',
  'Lazy-load product images',
  'Fix CDN image paths',
  'Bump next from 14.2.3 to 14.2.5',
  'Extract price formatting helper',
  'Add cart size guard to checkout',
  'Document the release checklist',
  'Remove unused analytics snippet',
  'Cache category pages for 60 s',
  'Add account page skeleton loaders',
  'Initial storefront scaffolding',
];

export const COMMITS: readonly CommitFixture[] = [
  ...WEB_COMMIT_MESSAGES.map((message, index) => ({
    repo: 'web',
    branch: 'main',
    sha: sha(`web-${index}`),
    message: index === 0 ? `${message}\n\nFixes #101.` : message,
    author: ['erin', 'dana', 'henry', 'frank'][index % 4]!,
    date: new Date(Date.UTC(2025, 2, 14, 16, 0) - index * 86_400_000).toISOString().replace('.000Z', 'Z'),
  })),
  { repo: 'web', branch: 'fix/safari-checkout', sha: sha('web-safari'), message: 'Fix Safari checkout button handler', author: 'erin', date: '2025-03-14T16:30:00Z' },
  { repo: 'api', branch: 'main', sha: sha('api-0'), message: 'Retry payment webhooks with jitter', author: 'bob', date: '2025-03-13T09:00:00Z' },
  { repo: 'api', branch: 'main', sha: sha('api-1'), message: 'Log refund requests', author: 'alice', date: '2025-03-12T09:00:00Z' },
  { repo: 'infra', branch: 'main', sha: sha('infra-0'), message: 'Add staging Postgres module', author: 'henry', date: '2025-02-27T11:40:00Z' },
];

export const BRANCHES: readonly BranchFixture[] = [
  { repo: 'web', name: 'main', protected: true },
  { repo: 'web', name: 'feature/dark-mode', protected: false },
  { repo: 'web', name: 'fix/safari-checkout', protected: false },
  { repo: 'api', name: 'main', protected: true },
  { repo: 'api', name: 'release/2.4', protected: true },
  { repo: 'api', name: 'feature/refund-idempotency', protected: false },
  { repo: 'infra', name: 'main', protected: true },
];

export const WORKFLOW_RUNS: readonly WorkflowRunFixture[] = [
  { repo: 'web', id: 9001, name: 'CI', run_number: 42, head_branch: 'fix/safari-checkout', event: 'pull_request', status: 'completed', conclusion: 'failure', created_at: '2025-03-14T16:31:00Z' },
  { repo: 'web', id: 9000, name: 'CI', run_number: 41, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'success', created_at: '2025-03-14T14:00:00Z' },
  { repo: 'web', id: 8999, name: 'Deploy', run_number: 17, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'success', created_at: '2025-03-14T14:05:00Z' },
  { repo: 'api', id: 7002, name: 'CI', run_number: 88, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'failure', created_at: '2025-03-13T09:02:00Z' },
  { repo: 'api', id: 7003, name: 'CI', run_number: 89, head_branch: 'feature/refund-idempotency', event: 'pull_request', status: 'in_progress', conclusion: null, created_at: '2025-03-13T09:10:00Z' },
  { repo: 'api', id: 7001, name: 'Deploy', run_number: 30, head_branch: 'release/2.4', event: 'workflow_dispatch', status: 'completed', conclusion: 'success', created_at: '2025-03-12T18:00:00Z' },
];

/** The "what you missed" window the digest specs use: carol's previous login, and now. */
export const DIGEST_SINCE = '2025-03-13T12:00:00Z';
export const DIGEST_UNTIL = '2025-03-14T18:00:00Z';

/**
 * The fixtures plus pull requests awaiting carol's review and failed runs before, within and
 * after the digest window (start the fake with them and `login: 'carol'`).
 */
export const DIGEST_ISSUES: readonly IssueFixture[] = [
  ...ISSUES,
  {
    repo: 'infra', number: 302, title: 'Move staging secrets to the vault', state: 'open', author: 'henry',
    body: 'Follows up on #301.', labels: ['ops'], assignees: ['henry'], created_at: '2025-03-13T14:00:00Z', updated_at: '2025-03-13T15:00:00Z',
    pull: { draft: false, requested_reviewers: ['carol'], head: 'ops/vault-secrets', base: 'main', merged: false },
  },
  {
    repo: 'api', number: 211, title: 'Bump zod to 3.25', state: 'open', author: 'bob',
    body: null, labels: ['dependencies'], assignees: [], created_at: '2025-03-12T09:00:00Z', updated_at: '2025-03-12T10:00:00Z',
    pull: { draft: false, requested_reviewers: ['carol'], head: 'chore/zod-3.25', base: 'main', merged: false },
  },
  {
    repo: 'web', number: 114, title: 'Serve product images in AVIF', state: 'open', author: 'dana',
    body: null, labels: [], assignees: [], created_at: '2025-03-14T18:30:00Z', updated_at: '2025-03-14T19:00:00Z',
    pull: { draft: false, requested_reviewers: ['carol'], head: 'perf/avif', base: 'main', merged: false },
  },
  {
    repo: 'web', number: 115, title: 'Tidy the footer links', state: 'closed', author: 'ivan',
    body: null, labels: [], assignees: [], created_at: '2025-03-14T08:00:00Z', updated_at: '2025-03-14T10:00:00Z',
    pull: { draft: false, requested_reviewers: ['carol'], head: 'chore/footer', base: 'main', merged: true },
  },
  {
    repo: 'api', number: 212, title: 'Paginate the refunds list', state: 'open', author: 'alice',
    body: null, labels: ['payments'], assignees: [], created_at: '2025-03-14T09:00:00Z', updated_at: '2025-03-14T09:30:00Z',
    pull: { draft: false, requested_reviewers: ['dana'], head: 'feature/refund-pages', base: 'main', merged: false },
  },
];

export const DIGEST_WORKFLOW_RUNS: readonly WorkflowRunFixture[] = [
  ...WORKFLOW_RUNS,
  { repo: 'infra', id: 6001, name: 'Terraform', run_number: 12, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'failure', created_at: '2025-03-14T09:00:00Z' },
  { repo: 'api', id: 7004, name: 'CI', run_number: 90, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'failure', created_at: '2025-03-13T11:59:00Z' },
  { repo: 'web', id: 9002, name: 'CI', run_number: 43, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'failure', created_at: '2025-03-14T18:30:00Z' },
  { repo: 'web', id: 9003, name: 'Deploy', run_number: 18, head_branch: 'main', event: 'push', status: 'completed', conclusion: 'success', created_at: '2025-03-14T17:00:00Z' },
];

/** A stable 40-hex-digit pseudo SHA. */
function sha(seed: string): string {
  let out = '';
  let h = 2166136261;
  while (out.length < 40) {
    for (const ch of `${seed}:${out.length}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}
