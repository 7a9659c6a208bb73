/**
 * The fields of GitHub REST responses (API version 2022-11-28) that Mosaic uses. Objects
 * are parsed non-strictly: GitHub adds fields all the time, and unknown ones are dropped.
 */
import { z } from 'zod/v4';

const UserSchema = z.object({ login: z.string() });
const LabelSchema = z.object({ name: z.string() });

export const RepositorySchema = z.object({
  full_name: z.string(),
  description: z.string().nullable(),
  html_url: z.string(),
  updated_at: z.string().nullable(),
  default_branch: z.string(),
  private: z.boolean(),
});
export type Repository = z.infer<typeof RepositorySchema>;

export const IssueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  // null for deleted ("ghost") accounts
  user: UserSchema.nullable(),
  labels: z.array(LabelSchema),
  assignees: z.array(UserSchema).nullable().optional(),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  body: z.string().nullable().optional(),
  // Present only when the issue is a pull request: the issues endpoints return both.
  pull_request: z.object({ html_url: z.string().nullable().optional() }).optional(),
  // Search results name their repository only by this API URL.
  repository_url: z.string().optional(),
});
export type Issue = z.infer<typeof IssueSchema>;

export const PullRequestSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  user: UserSchema.nullable(),
  requested_reviewers: z.array(UserSchema).nullable().optional(),
  draft: z.boolean().optional(),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  head: z.object({ ref: z.string() }).optional(),
  base: z.object({ ref: z.string() }).optional(),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

export const CommitSchema = z.object({
  sha: z.string(),
  commit: z.object({
    message: z.string(),
    author: z.object({ name: z.string().optional(), date: z.string().optional() }).nullable(),
  }),
  html_url: z.string(),
});
export type Commit = z.infer<typeof CommitSchema>;

export const BranchSchema = z.object({
  name: z.string(),
  commit: z.object({ sha: z.string() }),
  protected: z.boolean(),
});
export type Branch = z.infer<typeof BranchSchema>;

export const WorkflowRunSchema = z.object({
  id: z.number().int(),
  name: z.string().nullable().optional(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  head_branch: z.string().nullable(),
  html_url: z.string(),
  created_at: z.string(),
  run_number: z.number().int(),
  event: z.string().optional(),
});
export type WorkflowRun = z.infer<typeof WorkflowRunSchema>;

export const WorkflowRunsPageSchema = z.object({
  total_count: z.number().int(),
  workflow_runs: z.array(WorkflowRunSchema),
});

export const SearchIssuesPageSchema = z.object({
  total_count: z.number().int(),
  incomplete_results: z.boolean().optional(),
  items: z.array(IssueSchema),
});

/** GitHub's error body: `{"message": "...", "documentation_url": "...", "errors"?: [...]}`. */
export const ErrorBodySchema = z.object({
  message: z.string().optional(),
  errors: z
    .array(z.union([z.string(), z.object({ message: z.string().optional(), field: z.string().optional(), code: z.string().optional() })]))
    .optional(),
});
