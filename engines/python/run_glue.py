"""Runs Glue scripts unchanged on local PySpark, one after another in one JVM.

stdin: [{"script": path, "argv": ["--NAME", "value", ...], "env": {...}}]
stdout: one JSON line per run: {"ok": true} or {"ok": false, "error": type, "message": first line}
The awsglue stand-in (this folder) is on sys.path; each run gets a fresh
SparkContext (the scripts create their own), stopped when the run ends.
"""
import json
import os
import runpy
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyspark import SparkContext  # noqa: E402


def run_one(spec):
    os.environ.update(spec.get("env", {}))
    sys.argv = [spec["script"], *spec["argv"]]
    try:
        runpy.run_path(spec["script"], run_name="__main__")
        return {"ok": True}
    except SystemExit as e:
        return {"ok": e.code in (0, None), "error": "SystemExit", "message": f"exit {e.code}"}
    except Exception as e:  # the job failed: Glue reports the exception's type and message
        message = str(e).strip().split("\n")[0]
        return {"ok": False, "error": type(e).__name__, "message": message, "trace": traceback.format_exc(limit=3)}
    finally:
        active = SparkContext._active_spark_context
        if active is not None:
            active.stop()


def main():
    for spec in json.load(sys.stdin):
        print(json.dumps(run_one(spec)), flush=True)


if __name__ == "__main__":
    main()
