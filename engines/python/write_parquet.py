"""Writes Parquet files typed by Glue (Hive) column definitions, as Firehose's
record format conversion does for our tables: one optional Parquet field per
Glue column, in the table's order, Snappy compression; strings as UTF8 byte
arrays, int as INT32, bigint as INT64, double as DOUBLE, arrays as 3-level LISTs
of structs. A key the schema lacks is dropped and a missing key is null, as
with the OpenX JSON SerDe.

stdin: {"columns": [{"name", "type"}], "files": [{"path", "rows": [{...}]}]}
"""
import json
import os
import re
import sys

import pyarrow as pa
import pyarrow.parquet as pq

SCALARS = {
    "string": pa.string(),
    "int": pa.int32(),
    "bigint": pa.int64(),
    "smallint": pa.int16(),
    "tinyint": pa.int8(),
    "double": pa.float64(),
    "float": pa.float32(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("ms"),
}


def split_top_level(text):
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def arrow_type(hive):
    t = hive.strip().lower()
    if t in SCALARS:
        return SCALARS[t]
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", t)
    if m:
        return pa.decimal128(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"array<(.*)>", t, re.S)
    if m:
        return pa.list_(arrow_type(m.group(1)))
    m = re.fullmatch(r"struct<(.*)>", t, re.S)
    if m:
        fields = []
        for f in split_top_level(m.group(1)):
            name, _, ftype = f.partition(":")
            fields.append(pa.field(name.strip(), arrow_type(ftype)))
        return pa.struct(fields)
    raise ValueError(f"unsupported Glue type {hive!r}")


def main():
    request = json.load(sys.stdin)
    schema = pa.schema([pa.field(c["name"], arrow_type(c["type"])) for c in request["columns"]])
    names = [c["name"] for c in request["columns"]]
    for f in request["files"]:
        rows = [{n: r.get(n) for n in names} for r in f["rows"]]
        table = pa.Table.from_pylist(rows, schema=schema)
        os.makedirs(os.path.dirname(f["path"]), exist_ok=True)
        pq.write_table(table, f["path"], compression="snappy")
    print(json.dumps({"files": len(request["files"])}))


if __name__ == "__main__":
    main()
