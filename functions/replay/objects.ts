/** Listing and reading S3 objects under a prefix (ListObjects v1 with Marker: s3rver's v2 tokens need DES, which Node's OpenSSL 3 refuses). */
import { GetObjectCommand, ListObjectsCommand, S3Client } from "@aws-sdk/client-s3";

export async function listKeys(s3: Pick<S3Client, "send">, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker, MaxKeys: 1000 }));
    const contents = page.Contents ?? [];
    keys.push(...contents.map((o) => o.Key!));
    if (!page.IsTruncated || contents.length === 0) return keys;
    marker = contents[contents.length - 1].Key;
  }
}

export async function readObjects(s3: Pick<S3Client, "send">, bucket: string, prefix: string): Promise<{ key: string; body: string }[]> {
  const keys = await listKeys(s3, bucket, prefix);
  const out: { key: string; body: string }[] = [];
  for (let i = 0; i < keys.length; i += 16) {
    out.push(
      ...(await Promise.all(keys.slice(i, i + 16).map(async (key) => ({ key, body: await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString() })))),
    );
  }
  return out;
}
