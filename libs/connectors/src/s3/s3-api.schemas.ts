// zod/v4 on purpose: these schemas meet the MCP SDK's registerTool generics (see postgres-mcp.server.ts).
import { z } from 'zod/v4';

/**
 * The fields Mosaic reads from the S3 API outputs, as `@aws-sdk/client-s3` deserializes them.
 * S3-compatible stores leave out fields AWS always sends, so everything but the names is
 * optional; unknown fields (owners, checksums) are stripped.
 */

const isoDate = z.date().transform((date) => date.toISOString());
/** S3 quotes ETags (`"9b2cf535f27731c974343645a3985328"`); the quotes are not part of the value. */
const etag = z.string().transform((value) => value.replace(/^"|"$/g, ''));

export const BucketSchema = z
  .object({ Name: z.string().min(1), CreationDate: isoDate.optional() })
  .transform((bucket) => ({ name: bucket.Name, createdAt: bucket.CreationDate }));
export type BucketSummary = z.infer<typeof BucketSchema>;

export const ListBucketsOutputSchema = z.object({
  Buckets: z.array(BucketSchema).optional().default([]),
  ContinuationToken: z.string().min(1).optional(),
});

export const ObjectSummarySchema = z
  .object({
    Key: z.string().min(1),
    Size: z.number().int().nonnegative().optional(),
    LastModified: isoDate.optional(),
    ETag: etag.optional(),
    StorageClass: z.string().optional(),
  })
  .transform((object) => ({
    key: object.Key,
    size: object.Size,
    lastModified: object.LastModified,
    etag: object.ETag,
    storageClass: object.StorageClass,
  }));
export type ObjectSummary = z.infer<typeof ObjectSummarySchema>;

export const ListObjectsV2OutputSchema = z.object({
  Contents: z.array(ObjectSummarySchema).optional().default([]),
  CommonPrefixes: z.array(z.object({ Prefix: z.string() })).optional().default([]),
  IsTruncated: z.boolean().optional().default(false),
  NextContinuationToken: z.string().min(1).optional(),
});

/** The GetObject response headers Mosaic reads (the body is read separately, capped). */
export const GetObjectOutputSchema = z.object({
  ContentType: z.string().optional(),
  ContentEncoding: z.string().optional(),
  ContentLength: z.number().int().nonnegative().optional(),
  /** `bytes 0-65535/1048576` for a ranged read. */
  ContentRange: z.string().optional(),
  LastModified: isoDate.optional(),
  ETag: etag.optional(),
});
