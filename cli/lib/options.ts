/** Options several commands share, declared once so flags and messages stay identical. */
import { InvalidArgumentError, Option } from "commander";
import { FORMATS } from "./format";

export const formatOption = () => new Option("--format <format>", "output format").choices(FORMATS).default("table");

/** A positive amount of USD. */
export function parseUsd(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number of USD.");
  return n;
}

/** An AWS region name such as eu-west-3. */
export function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(value)) throw new InvalidArgumentError("must be an AWS region name such as eu-west-3.");
  return value;
}
