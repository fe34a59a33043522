"""GlueContext: the Spark session, and DynamicFrame readers over local folders with job bookmarks."""
import json
import os

from pyspark.sql import SparkSession

from .dynamicframe import DynamicFrame


def _files_under(paths, recurse):
    found = []
    for root in paths:
        root = root[len("file://"):] if root.startswith("file://") else root
        if os.path.isfile(root):
            found.append(root)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_"))) if recurse else []
            found.extend(os.path.join(folder, f) for f in sorted(files) if not f.startswith((".", "_")))
    return found


class _DynamicFrameReader:
    def __init__(self, glue_context):
        self._glue = glue_context

    def from_options(self, connection_type, connection_options, format=None, format_options=None, transformation_ctx="", **_kwargs):
        if connection_type != "s3":
            raise NotImplementedError(f"local stand-in reads connection_type s3 only (got {connection_type})")
        files = _files_under(connection_options.get("paths", []), connection_options.get("recurse", False))
        files = self._glue._bookmarked(transformation_ctx, files)
        return DynamicFrame(self._glue._read(files, format, format_options or {}), self._glue, transformation_ctx)

    def from_catalog(self, database, table_name, transformation_ctx="", **_kwargs):
        catalog_file = os.environ.get("AWSGLUE_LOCAL_CATALOG")
        if not catalog_file:
            raise RuntimeError("AWSGLUE_LOCAL_CATALOG is not set: the local stand-in needs a catalog file for from_catalog")
        with open(catalog_file, encoding="utf-8") as f:
            entry = json.load(f).get(f"{database}.{table_name}")
        if entry is None:
            raise RuntimeError(f"EntityNotFoundException: table {database}.{table_name} not found")
        files = self._glue._bookmarked(transformation_ctx, _files_under([entry["location"]], True))
        return DynamicFrame(self._glue._read(files, entry.get("format", "csv"), entry.get("format_options", {})), self._glue, transformation_ctx)


class GlueContext:
    def __init__(self, spark_context, **_options):
        self._sc = spark_context
        self.spark_session = SparkSession(spark_context)
        self.create_dynamic_frame = _DynamicFrameReader(self)
        self._job = None

    def _bookmarked(self, ctx, files):
        job = self._job
        if job is None or not ctx:
            return files
        return job._bookmark_filter(ctx, files)

    def _read(self, files, fmt, options):
        if not files:
            # As Glue: nothing new to read is an empty frame with no fields.
            return self.spark_session.createDataFrame([], "struct<>")
        if fmt != "csv":
            raise NotImplementedError(f"local stand-in reads csv only (got {fmt})")
        return (
            self.spark_session.read.option("header", str(bool(options.get("withHeader", False))).lower())
            .option("sep", options.get("separator", ","))
            .option("quote", options.get("quoteChar", '"'))
            .option("inferSchema", "false")
            .csv(files)
        )
