import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StageContext } from "../shared/context";
import { Statement } from "../shared/iam";
import { SecureBucket } from "../shared/SecureBucket";
import { DataLakePipelineArgs, ResolvedDataLakeSettings } from "./settings";

export interface DataLakeContext extends StageContext<DataLakePipelineArgs, ResolvedDataLakeSettings> {
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}

/** The lake's three buckets: raw exports, curated Parquet, and its own artifacts (scripts, temp, query results). */
export interface LakeZones {
  readonly raw: SecureBucket;
  readonly curated: SecureBucket;
  readonly artifacts: SecureBucket;
}

/** What every Glue role and run of the lake shares. */
export interface LakeGlue {
  readonly database: aws.glue.CatalogDatabase;
  readonly arns: { readonly catalog: pulumi.Output<string>; readonly database: pulumi.Output<string>; readonly tables: pulumi.Output<string> };
  readonly security: aws.glue.SecurityConfiguration;
  /** Logs, key, metrics and security-configuration statements every Glue role carries. */
  readonly runtime: Statement[];
}
