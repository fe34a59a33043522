/**
 * The CIDR block Amazon Data Firehose connects from, per region, when it delivers
 * to Amazon Redshift (a provisioned cluster or a Serverless workgroup): the
 * warehouse must be publicly accessible and admit only this block on its port.
 *
 * Source: Amazon Data Firehose Developer Guide, "Controlling access with Amazon
 * Data Firehose" > "Grant Firehose access to an Amazon Redshift destination"
 * (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html);
 * recorded 2026-11-28. A region missing here must be passed as `firehoseCidrs`.
 */
export const FIREHOSE_REDSHIFT_CIDRS: Readonly<Record<string, string>> = {
  "us-east-1": "52.70.63.192/27",
  "us-east-2": "13.58.135.96/27",
  "us-west-1": "13.57.135.192/27",
  "us-west-2": "52.89.255.224/27",
  "ca-central-1": "35.183.92.128/27",
  "eu-central-1": "35.158.127.160/27",
  "eu-central-2": "16.62.183.32/27",
  "eu-west-1": "52.19.239.192/27",
  "eu-west-2": "18.130.1.96/27",
  "eu-west-3": "35.180.1.96/27",
  "eu-north-1": "13.53.63.224/27",
  "eu-south-1": "15.161.135.128/27",
  "eu-south-2": "18.100.71.96/27",
  "ap-northeast-1": "13.113.196.224/27",
  "ap-northeast-2": "13.209.1.64/27",
  "ap-south-1": "13.232.67.32/27",
  "ap-southeast-1": "13.228.64.192/27",
  "ap-southeast-2": "13.210.67.224/27",
  "sa-east-1": "18.228.1.128/27",
};

/** The Firehose CIDR of a region, or the override; throws naming the arg when neither exists. Pure. */
export function firehoseCidrsFor(region: string, override?: readonly string[]): string[] {
  if (override !== undefined && override.length > 0) return [...override];
  const cidr = FIREHOSE_REDSHIFT_CIDRS[region];
  if (!cidr) throw new Error(`StreamingWarehousePipeline: no known Firehose CIDR block for ${region}; pass firehoseCidrs (see the Firehose developer guide)`);
  return [cidr];
}
