"""P1 data lake: raw order-line exports (CSV, catalogued by the raw crawler) -> curated Parquet.

Reads the crawler's table incrementally (job bookmarks), types and validates every
line, writes valid lines as Snappy Parquet partitioned by dt=yyyy-MM-dd (the layout
the curated table's partition projection expects) and sets invalid lines aside
under the rejected prefix with the rule they broke, so nothing is dropped silently.

Arguments: JOB_NAME, SOURCE_DATABASE, SOURCE_TABLE, CURATED_PATH, REJECTED_PATH.
Curated columns: transaction_id, occurred_at, customer_id, customer_country,
region, currency, product_id, category, unit_price, quantity, line_amount, dt.
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "SOURCE_DATABASE", "SOURCE_TABLE", "CURATED_PATH", "REJECTED_PATH"])

CURATED_COLUMNS = [
    "transaction_id",
    "occurred_at",
    "customer_id",
    "customer_country",
    "region",
    "currency",
    "product_id",
    "category",
    "unit_price",
    "quantity",
    "line_amount",
    "dt",
]


def typed(frame):
    """Casts the crawler's (often string) columns to the curated types."""
    return (
        frame.select(
            F.trim(F.col("transaction_id")).alias("transaction_id"),
            F.to_timestamp(F.col("occurred_at")).alias("occurred_at"),
            F.trim(F.col("customer_id")).alias("customer_id"),
            F.upper(F.trim(F.col("customer_country"))).alias("customer_country"),
            F.upper(F.trim(F.col("region"))).alias("region"),
            F.upper(F.trim(F.col("currency"))).alias("currency"),
            F.trim(F.col("product_id")).alias("product_id"),
            F.trim(F.col("category")).alias("category"),
            F.col("unit_price").cast("decimal(12,2)").alias("unit_price"),
            F.col("quantity").cast("int").alias("quantity"),
        )
        .withColumn("line_amount", (F.col("unit_price") * F.col("quantity")).cast("decimal(14,2)"))
        .withColumn("dt", F.date_format(F.col("occurred_at"), "yyyy-MM-dd"))
    )


def broken_rule():
    """The first rule a line breaks, or null when it is valid."""
    return (
        F.when(F.col("transaction_id").isNull() | (F.col("transaction_id") == ""), F.lit("transaction_id missing"))
        .when(F.col("occurred_at").isNull(), F.lit("occurred_at is not a timestamp"))
        .when(F.col("customer_id").isNull() | (F.col("customer_id") == ""), F.lit("customer_id missing"))
        # A missing value makes rlike null, which no `when` matches: coalesce, or it would pass as valid.
        .when(~F.coalesce(F.col("customer_country").rlike("^[A-Z]{2}$"), F.lit(False)), F.lit("customer_country is not ISO 3166-1 alpha-2"))
        .when(~F.coalesce(F.col("currency").rlike("^[A-Z]{3}$"), F.lit(False)), F.lit("currency is not ISO 4217"))
        .when(F.col("unit_price").isNull() | (F.col("unit_price") <= 0), F.lit("unit_price must be above 0"))
        .when(F.col("quantity").isNull() | (F.col("quantity") < 1) | (F.col("quantity") > 1000), F.lit("quantity must be 1..1000"))
        .otherwise(F.lit(None))
    )


def main():
    sc = SparkContext()
    glue_context = GlueContext(sc)
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)

    source = glue_context.create_dynamic_frame.from_catalog(
        database=ARGS["SOURCE_DATABASE"],
        table_name=ARGS["SOURCE_TABLE"],
        transformation_ctx="raw_source",
    )
    lines = typed(source.toDF()).withColumn("rejection_reason", broken_rule())

    valid = lines.filter(F.col("rejection_reason").isNull()).select(*CURATED_COLUMNS)
    rejected = lines.filter(F.col("rejection_reason").isNotNull())

    (
        valid.repartition("dt")
        .write.mode("append")
        .partitionBy("dt")
        .option("compression", "snappy")
        .parquet(ARGS["CURATED_PATH"])
    )
    if rejected.take(1):
        rejected.write.mode("append").json(ARGS["REJECTED_PATH"])

    job.commit()


if __name__ == "__main__":
    main()
