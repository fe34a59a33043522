"""P3 batch ETL, step 1: RAW exports (CSV that passed the file check) -> TRANSFORMED Parquet.

Cleans and types the operational exports (orders, order lines, customers), drops
exact duplicates, joins them into one row per order line, and writes Snappy
Parquet partitioned by order_date. Lines that cannot be joined or typed are set
aside under the rejected prefix with the reason. Job bookmarks make each run
read only the files that arrived since the last successful run.

Arguments: JOB_NAME, RUN_ID, RAW_PATH, TRANSFORMED_PATH, REJECTED_PATH.
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "RUN_ID", "RAW_PATH", "TRANSFORMED_PATH", "REJECTED_PATH"])

# Each export's header. A bookmarked read with no new file is an empty frame with
# no fields (Glue's behaviour); it gets these columns so an empty night writes no
# rows (and the quality check's minimum then names it) instead of failing on a
# missing column.
SOURCE_COLUMNS = {
    "orders": ("order_id", "customer_id", "ordered_at", "region", "currency"),
    "order_lines": ("order_id", "product_id", "unit_price", "quantity"),
    "customers": ("customer_id", "country", "created_at"),
}
SOURCES = tuple(SOURCE_COLUMNS)


def read_csv(glue_context, source):
    frame = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [f"{ARGS['RAW_PATH']}{source}/"], "recurse": True},
        format="csv",
        format_options={"withHeader": True, "separator": ","},
        transformation_ctx=f"raw_{source}",
    )
    rows = frame.toDF()
    if not rows.columns:
        rows = glue_context.spark_session.createDataFrame([], ", ".join(f"{c} string" for c in SOURCE_COLUMNS[source]))
    return rows.dropDuplicates()


def main():
    sc = SparkContext()
    glue_context = GlueContext(sc)
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)

    orders, lines, customers = (read_csv(glue_context, s) for s in SOURCES)

    orders = orders.select(
        F.trim("order_id").alias("order_id"),
        F.trim("customer_id").alias("customer_id"),
        F.to_timestamp("ordered_at").alias("ordered_at"),
        F.upper(F.trim("region")).alias("region"),
        F.upper(F.trim("currency")).alias("currency"),
    )
    lines = lines.select(
        F.trim("order_id").alias("order_id"),
        F.trim("product_id").alias("product_id"),
        F.col("unit_price").cast("decimal(12,2)").alias("unit_price"),
        F.col("quantity").cast("int").alias("quantity"),
    )
    customers = customers.select(
        F.trim("customer_id").alias("customer_id"),
        F.upper(F.trim("country")).alias("customer_country"),
        F.to_date("created_at").alias("customer_since"),
    )

    joined = (
        lines.join(orders, "order_id", "left")
        .join(customers, "customer_id", "left")
        .withColumn("line_amount", (F.col("unit_price") * F.col("quantity")).cast("decimal(14,2)"))
        .withColumn("order_date", F.to_date("ordered_at"))
        .withColumn("run_id", F.lit(ARGS["RUN_ID"]))
    )
    reason = (
        F.when(F.col("ordered_at").isNull(), F.lit("order missing or ordered_at not a timestamp"))
        .when(F.col("customer_country").isNull(), F.lit("customer missing"))
        .when(F.col("unit_price").isNull() | (F.col("unit_price") <= 0), F.lit("unit_price must be above 0"))
        .when(F.col("quantity").isNull() | (F.col("quantity") < 1), F.lit("quantity must be 1 or more"))
        .otherwise(F.lit(None))
    )
    checked = joined.withColumn("rejection_reason", reason)

    valid = checked.filter(F.col("rejection_reason").isNull()).drop("rejection_reason")
    rejected = checked.filter(F.col("rejection_reason").isNotNull())

    valid.write.mode("append").partitionBy("order_date").option("compression", "snappy").parquet(f"{ARGS['TRANSFORMED_PATH']}sales_lines/")
    if rejected.take(1):
        rejected.write.mode("append").json(f"{ARGS['REJECTED_PATH']}run_id={ARGS['RUN_ID']}/")

    job.commit()


if __name__ == "__main__":
    main()
