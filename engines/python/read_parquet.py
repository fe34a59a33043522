"""Prints a Parquet folder (hive-partitioned or not) as JSON: {"schema": [[name, type]], "rows": [...]}."""
import json
import sys

import pyarrow.dataset as ds


def main():
    data = ds.dataset(sys.argv[1], format="parquet", partitioning="hive")
    table = data.to_table()
    rows = table.to_pylist()
    print(json.dumps({"schema": [[f.name, str(f.type)] for f in data.schema], "rows": rows}, default=str))


if __name__ == "__main__":
    main()
