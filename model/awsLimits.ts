/**
 * Values AWS accepts that more than one layer checks (the stack file's schema,
 * the cost engine's prop rules), kept once here.
 */

/** CloudWatch Logs accepts only these retention values, in days (PutRetentionPolicy API reference, as of 2026-12-01). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * The largest object one PUT may upload: 5 GB (5 x 2^30 bytes); larger objects need a multipart
 * upload, which a single presigned PUT URL cannot make.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html (as of 2026-12-02)
 */
export const S3_MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/**
 * The longest a SigV4 presigned URL may be valid: 7 days (604,800 s); one signed with temporary
 * credentials (a Lambda role's) stops working when they expire, whichever comes first.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html (as of 2026-12-02)
 */
export const S3_PRESIGNED_URL_MAX_SECONDS = 604_800;

/**
 * PUT/COPY/POST/DELETE requests a second S3 supports per partitioned prefix: 3,500 (S3 scales
 * further by partitioning, so this is the documented rate, not a cap). The cost engine prices a
 * granted URL's refused retries (billed 4XX responses) at this rate until the URL expires.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html (as of 2026-12-02)
 */
export const S3_PUT_REQUESTS_PER_SECOND_PER_PREFIX = 3_500;
