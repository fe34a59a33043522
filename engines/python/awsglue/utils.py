"""getResolvedOptions, as Glue's: named `--NAME value` arguments, reserved Glue ones tolerated."""
import argparse

RESERVED = ["job-bookmark-option", "TempDir", "JOB_ID", "JOB_RUN_ID", "SECURITY_CONFIGURATION", "encryption-type", "continuation-option"]


def getResolvedOptions(args, options):
    for option in options:
        if option in RESERVED:
            raise RuntimeError(f"Using reserved arguments --{option}")
    parser = argparse.ArgumentParser(prog=args[0] if args else "glue-job")
    parser.add_argument("--job-bookmark-option", choices=["job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause"], default="job-bookmark-disable")
    for reserved in RESERVED[1:]:
        parser.add_argument(f"--{reserved}", required=False)
    for option in options:
        parser.add_argument(f"--{option}", required=True)
    parsed, _unknown = parser.parse_known_args(list(args[1:]))
    return {key: value for key, value in vars(parsed).items() if value is not None}
