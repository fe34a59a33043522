"""P3 batch ETL, step 2: quality gate on this run's TRANSFORMED rows.

Fails the job (and so the state machine, which notifies the alert topic) when
the run produced no rows, when too many rows lack a key, or when the amounts
are inconsistent. Writes the measured figures as JSON next to the data so every
run's checks are auditable.

Arguments: JOB_NAME, RUN_ID, TRANSFORMED_PATH, MIN_ROWS, MAX_NULL_KEY_RATIO.
"""
import json
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "RUN_ID", "TRANSFORMED_PATH", "MIN_ROWS", "MAX_NULL_KEY_RATIO"])


class QualityCheckFailed(Exception):
    """Raised when a rule is broken; the message lists every broken rule."""


def measure(rows):
    total = rows.count()
    null_keys = rows.filter(F.col("order_id").isNull() | F.col("product_id").isNull() | F.col("customer_id").isNull()).count()
    inconsistent = rows.filter(F.abs(F.col("line_amount") - F.col("unit_price") * F.col("quantity")) > F.lit(0.01)).count()
    return {"rows": total, "null_keys": null_keys, "inconsistent_amounts": inconsistent}


def broken_rules(figures, min_rows, max_null_ratio):
    broken = []
    if figures["rows"] < min_rows:
        broken.append(f"rows {figures['rows']} below {min_rows}")
    if figures["rows"] and figures["null_keys"] / figures["rows"] > max_null_ratio:
        broken.append(f"null keys ratio above {max_null_ratio}")
    if figures["inconsistent_amounts"] > 0:
        broken.append(f"{figures['inconsistent_amounts']} lines with line_amount != unit_price x quantity")
    return broken


def main():
    sc = SparkContext()
    glue_context = GlueContext(sc)
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)
    spark = glue_context.spark_session

    rows = spark.read.parquet(f"{ARGS['TRANSFORMED_PATH']}sales_lines/").filter(F.col("run_id") == ARGS["RUN_ID"])
    figures = measure(rows)
    broken = broken_rules(figures, int(ARGS["MIN_ROWS"]), float(ARGS["MAX_NULL_KEY_RATIO"]))
    report = {"run_id": ARGS["RUN_ID"], "figures": figures, "broken_rules": broken}
    spark.createDataFrame([(json.dumps(report),)], ["report"]).coalesce(1).write.mode("overwrite").text(
        f"{ARGS['TRANSFORMED_PATH']}_quality/run_id={ARGS['RUN_ID']}/"
    )
    if broken:
        raise QualityCheckFailed("; ".join(broken))
    job.commit()


if __name__ == "__main__":
    main()
