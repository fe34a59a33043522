"""P3 batch ETL, step 3: TRANSFORMED -> ENRICHED business KPIs.

Enriches this run's order lines with the product reference data (category,
brand, unit cost), then computes daily KPIs per region and category: revenue,
margin, orders, units, distinct customers and average basket. Writes them as
Parquet twice: the history (partitioned by kpi_date) and `latest/`, which the
Redshift load COPYs.

Arguments: JOB_NAME, RUN_ID, TRANSFORMED_PATH, REFERENCE_PATH, ENRICHED_PATH.
KPI columns: kpi_date, region, category, currency, revenue, margin, orders,
units, customers, average_basket, run_id.
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "RUN_ID", "TRANSFORMED_PATH", "REFERENCE_PATH", "ENRICHED_PATH"])

KPI_COLUMNS = [
    "kpi_date",
    "region",
    "category",
    "currency",
    "revenue",
    "margin",
    "orders",
    "units",
    "customers",
    "average_basket",
    "run_id",
]


def main():
    sc = SparkContext()
    glue_context = GlueContext(sc)
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)
    spark = glue_context.spark_session

    lines = spark.read.parquet(f"{ARGS['TRANSFORMED_PATH']}sales_lines/").filter(F.col("run_id") == ARGS["RUN_ID"])
    products = (
        spark.read.option("header", "true")
        .csv(f"{ARGS['REFERENCE_PATH']}products/")
        .select(
            F.trim("product_id").alias("product_id"),
            F.coalesce(F.trim("category"), F.lit("unknown")).alias("category"),
            F.col("unit_cost").cast("decimal(12,2)").alias("unit_cost"),
        )
    )
    enriched = lines.join(F.broadcast(products), "product_id", "left").withColumn(
        "line_margin", F.col("line_amount") - F.coalesce(F.col("unit_cost"), F.lit(0)) * F.col("quantity")
    )
    kpis = (
        enriched.groupBy(F.col("order_date").alias("kpi_date"), "region", F.coalesce("category", F.lit("unknown")).alias("category"), "currency")
        .agg(
            F.sum("line_amount").cast("decimal(16,2)").alias("revenue"),
            F.sum("line_margin").cast("decimal(16,2)").alias("margin"),
            F.countDistinct("order_id").alias("orders"),
            F.sum("quantity").cast("bigint").alias("units"),
            F.countDistinct("customer_id").alias("customers"),
        )
        .withColumn("average_basket", (F.col("revenue") / F.col("orders")).cast("decimal(14,2)"))
        .withColumn("run_id", F.lit(ARGS["RUN_ID"]))
        .select(*KPI_COLUMNS)
    )

    kpis.write.mode("append").partitionBy("kpi_date").option("compression", "snappy").parquet(f"{ARGS['ENRICHED_PATH']}daily_kpis/history/")
    kpis.coalesce(1).write.mode("overwrite").option("compression", "snappy").parquet(f"{ARGS['ENRICHED_PATH']}daily_kpis/latest/")
    job.commit()


if __name__ == "__main__":
    main()
