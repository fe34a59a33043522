/**
 * Athena for the pipelines that query S3 (real-time history, data lake): a
 * workgroup on engine v3 whose settings clients cannot override, every query
 * cancelled past the bytes-scanned cutoff, results encrypted with the platform
 * key; and the saved queries, rendered against the catalog names.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AnalyticsWorkgroupArgs {
  readonly description: string;
  /** e.g. s3://<bucket>/athena/ */
  readonly outputLocation: pulumi.Input<string>;
  readonly bytesScannedCutoffPerQuery: number;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Let `pulumi destroy` delete a workgroup that holds saved queries. */
  readonly forceDestroy: boolean;
}

export function analyticsWorkgroup(name: string, args: AnalyticsWorkgroupArgs, opts: pulumi.CustomResourceOptions): aws.athena.Workgroup {
  return new aws.athena.Workgroup(name, {
    description: args.description,
    forceDestroy: args.forceDestroy,
    configuration: {
      enforceWorkgroupConfiguration: true,
      publishCloudwatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery,
      engineVersion: { selectedEngineVersion: "Athena engine version 3" },
      resultConfiguration: {
        outputLocation: args.outputLocation,
        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
      },
    },
  }, opts);
}

export interface SavedQuery {
  readonly id: string;
  readonly description: string;
}

/** One NamedQuery per saved query, named `<prefix>-<id>`, its SQL rendered once the database and table names are known. */
export function namedQueries<Q extends SavedQuery>(
  prefix: string,
  queries: readonly Q[],
  target: { readonly workgroup: pulumi.Input<string>; readonly database: pulumi.Input<string>; readonly table: pulumi.Input<string> },
  render: (query: Q, database: string, table: string) => string,
  opts: pulumi.CustomResourceOptions,
): aws.athena.NamedQuery[] {
  return queries.map(
    (q) =>
      new aws.athena.NamedQuery(`${prefix}-${q.id}`, {
        name: q.id,
        description: q.description,
        workgroup: target.workgroup,
        database: target.database,
        query: pulumi.all([target.database, target.table]).apply(([db, table]) => render(q, db, table)),
      }, opts),
  );
}
