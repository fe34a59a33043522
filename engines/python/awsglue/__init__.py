"""A thin local stand-in for the `awsglue` entry points our Glue scripts use.

Only the entry points are replaced; the scripts' PySpark code runs unchanged
on local Spark 3.5 (what Glue 5.0 runs). Behaviour follows the Glue
documentation where our scripts depend on it:

- getResolvedOptions: https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html
  (`--NAME value` pairs; a missing one is an argparse error, exit 2; other arguments are ignored)
- GlueContext.create_dynamic_frame.from_options / from_catalog with S3 CSV:
  https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-csv-home.html
  (withHeader, separator; values read as strings)
- Job bookmarks: https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html
  (per transformation_ctx, an S3 source reads only objects not seen by a
  committed run; `job.commit()` saves the state, a run that fails before it
  does not; `--job-bookmark-option` job-bookmark-enable | -disable | -pause)
- DynamicFrame.toDF / fromDF: https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-dynamic-frame.html

Local settings come from the environment, so the scripts' arguments stay
exactly Glue's: AWSGLUE_LOCAL_STATE (folder of bookmark state) and
AWSGLUE_LOCAL_CATALOG (JSON: {"db.table": {"location", "format", "format_options"}}).
"""
