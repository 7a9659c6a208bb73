import { z } from 'zod/v4';

/** Only the fields Mosaic reads; Jira sends many more and they pass through untouched. */

export const ErrorBodySchema = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
});

export const ProjectSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  projectTypeKey: z.string().optional(),
});
export type Project = z.infer<typeof ProjectSchema>;

/** GET /rest/api/3/project/search */
export const ProjectSearchPageSchema = z.object({
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int().optional(),
  isLast: z.boolean().optional(),
  values: z.array(ProjectSchema),
});

const NamedSchema = z.object({ name: z.string() }).nullish();

export const UserSchema = z
  .object({
    accountId: z.string().optional(),
    displayName: z.string().optional(),
    // Hidden by the user's privacy settings more often than not.
    emailAddress: z.string().optional(),
  })
  .nullish();

export const IssueFieldsSchema = z.object({
  summary: z.string().nullish(),
  status: NamedSchema,
  priority: NamedSchema,
  assignee: UserSchema,
  reporter: UserSchema,
  issuetype: NamedSchema,
  project: z.object({ key: z.string(), name: z.string().optional() }).nullish(),
  labels: z.array(z.string()).nullish(),
  created: z.string().nullish(),
  updated: z.string().nullish(),
  /** Atlassian Document Format (v3); rendered to text by `adfToText`. */
  description: z.unknown().optional(),
});

export const IssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: IssueFieldsSchema,
});
export type Issue = z.infer<typeof IssueSchema>;

/** GET /rest/api/3/search */
export const SearchPageSchema = z.object({
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int(),
  issues: z.array(IssueSchema),
});

/** POST /rest/api/3/issue (201) */
export const CreatedIssueSchema = z.object({ id: z.string(), key: z.string() });
export type CreatedIssue = z.infer<typeof CreatedIssueSchema>;
