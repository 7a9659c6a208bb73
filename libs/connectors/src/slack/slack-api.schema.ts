import { z } from 'zod';

/**
 * The fields of Slack Web API responses that Mosaic reads. Everything else Slack sends is
 * ignored (`.passthrough()` is not used: unknown fields must not flow on unchecked).
 */

const textField = z.object({ value: z.string() });

export const SlackChannelSchema = z.object({
  id: z.string().min(1),
  /** Absent for direct messages. */
  name: z.string().optional(),
  is_private: z.boolean().optional(),
  is_archived: z.boolean().optional(),
  is_member: z.boolean().optional(),
  is_im: z.boolean().optional(),
  /** The other member of a direct message. */
  user: z.string().optional(),
  is_user_deleted: z.boolean().optional(),
  topic: textField.optional(),
  purpose: textField.optional(),
  num_members: z.number().int().optional(),
});
export type SlackChannel = z.infer<typeof SlackChannelSchema>;

export const SlackUserSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  real_name: z.string().optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  profile: z
    .object({
      email: z.string().optional(),
      real_name: z.string().optional(),
      display_name: z.string().optional(),
    })
    .optional(),
});
export type SlackUser = z.infer<typeof SlackUserSchema>;

export const SlackMessageSchema = z.object({
  ts: z.string().min(1),
  user: z.string().optional(),
  /** Set for bot posts and some integrations instead of `user`. */
  username: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().default(''),
  thread_ts: z.string().optional(),
  reply_count: z.number().int().optional(),
  permalink: z.string().optional(),
});
export type SlackMessage = z.infer<typeof SlackMessageSchema>;

export const SlackSearchMatchSchema = z.object({
  ts: z.string().min(1),
  text: z.string().default(''),
  user: z.string().optional(),
  username: z.string().optional(),
  channel: z.object({ id: z.string().min(1), name: z.string().optional() }),
  permalink: z.string().optional(),
});
export type SlackSearchMatch = z.infer<typeof SlackSearchMatchSchema>;

const responseMetadata = z.object({ next_cursor: z.string().optional() }).optional();

export const AuthTestResponseSchema = z.object({
  url: z.string(),
  team: z.string().optional(),
  team_id: z.string().optional(),
  /** The handle of the user (or bot user) the token acts as. */
  user: z.string().optional(),
  user_id: z.string().optional(),
  bot_id: z.string().optional(),
});
export type AuthTestResponse = z.infer<typeof AuthTestResponseSchema>;

export const ConversationsListResponseSchema = z.object({
  channels: z.array(SlackChannelSchema),
  response_metadata: responseMetadata,
});

export const UsersListResponseSchema = z.object({
  members: z.array(SlackUserSchema),
  response_metadata: responseMetadata,
});

export const ConversationsHistoryResponseSchema = z.object({
  messages: z.array(SlackMessageSchema),
  has_more: z.boolean().optional(),
  response_metadata: responseMetadata,
});

export const SearchMessagesResponseSchema = z.object({
  messages: z.object({
    total: z.number().int().nonnegative(),
    matches: z.array(SlackSearchMatchSchema),
  }),
});

export const ConversationsOpenResponseSchema = z.object({
  channel: z.object({ id: z.string().min(1) }),
});

export const ChatPostMessageResponseSchema = z.object({
  channel: z.string().min(1),
  ts: z.string().min(1),
});

/** The envelope every Web API method answers with, HTTP 200 included for most failures. */
export const SlackEnvelopeSchema = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  needed: z.string().optional(),
});
