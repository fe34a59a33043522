/**
 * Amazon S3: what lands under each prefix of a bucket (Firehose deliveries,
 * functions' objects and quarantine, batch files, Glue outputs, Athena
 * results), where it sits over its lifecycle (storage per class,
 * transitions) and the PUT requests it takes.
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, GB } from "../../constants";
import { LIFECYCLE_CLASS, S3Class } from "../../estimators/s3";
import { at, numAt, strAt } from "../../estimators/types";
import { Amount, ZERO, plus, times, unbounded } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { T } from "../tokens";
import { S3Write, bucketWrites } from "./s3Writes";
import type { Deriver } from "./types";

type Rule = Record<string, unknown>;

/** Enabled lifecycle rules of the bucket: its lifecycle configurations, then its inline rules. */
function lifecycleRules(ctx: UsageContext, b: StackResource): Rule[] {
  const rules: Rule[] = [];
  for (const lc of ctx.graph.linking(T.lifecycle, "bucket", (x) => [x.inputs.bucket], b)) {
    const rs = lc.inputs.rules;
    if (Array.isArray(rs)) rules.push(...(rs as Rule[]).filter((r) => (r.status ?? "Enabled") === "Enabled"));
  }
  const inline = b.inputs.lifecycleRules;
  if (Array.isArray(inline)) {
    for (const r of inline as Rule[]) {
      if (r.enabled === false) continue;
      rules.push({ filter: { prefix: r.prefix ?? "" }, expiration: r.expiration, transitions: r.transitions });
    }
  }
  return rules;
}

/** The enabled lifecycle rule with the longest prefix that covers `prefix`. */
function matchRule(rules: Rule[], prefix: string): Rule | undefined {
  let best: Rule | undefined;
  let bestLen = -1;
  for (const r of rules) {
    const p = strAt(r, "filter.prefix") ?? strAt(r, "prefix") ?? "";
    if (at(r, "expiration.days") === undefined && at(r, "transitions") === undefined) continue;
    if (prefix.startsWith(p) && p.length > bestLen) {
      best = r;
      bestLen = p.length;
    }
  }
  return best;
}

/** Where one prefix's bytes sit: GB-months per class and the transitions into each. */
class ClassLedger {
  public readonly storage = new Map<S3Class, Amount>();
  public readonly transitions = new Map<S3Class, Amount>();

  public add(m: Map<S3Class, Amount>, k: S3Class, a: Amount): void {
    m.set(k, plus(m.get(k) ?? ZERO, a));
  }

  /** One write's month: Standard until the first transition, then each class until the next, until expiry. */
  public place(wr: S3Write, rule: Rule | undefined): void {
    const expire = rule ? numAt(rule, "expiration.days") : undefined;
    const daily = times(wr.bytes, 1 / DAYS_PER_MONTH / GB);
    if (expire === undefined) {
      this.add(this.storage, "standard", unbounded(daily.e * DAYS_PER_MONTH * ASSUMPTIONS.accumulationMonthsWhenNoExpiry, `objects under "${wr.prefix}" (${wr.what}) never expire`));
      return;
    }
    let from = 0;
    let cls: S3Class = "standard";
    for (const step of transitionSteps(wr, rule, expire)) {
      this.add(this.storage, cls, times(daily, step.days - from));
      this.add(this.transitions, step.cls, wr.objects);
      from = step.days;
      cls = step.cls;
    }
    this.add(this.storage, cls, times(daily, expire - from));
  }
}

/** The rule's transitions before expiry, in order; none for objects under the minimum transition size. */
function transitionSteps(wr: S3Write, rule: Rule | undefined, expire: number): { days: number; cls: S3Class }[] {
  // Since September 2024 lifecycle rules do not transition objects under 128 KB by default.
  const objectBytes = wr.objects.e > 0 ? wr.bytes.e / wr.objects.e : 0;
  const transitionsApply = objectBytes >= ASSUMPTIONS.minTransitionObjectBytes || numAt(rule, "filter.objectSizeGreaterThan") !== undefined;
  return (transitionsApply && Array.isArray(rule?.transitions) ? rule.transitions : [] as Rule[])
    .map((t: Rule) => ({ days: Number(t.days ?? 0), cls: LIFECYCLE_CLASS[String(t.storageClass)] }))
    .filter((t): t is { days: number; cls: S3Class } => t.cls !== undefined && t.days < expire)
    .sort((a, b) => a.days - b.days);
}

export const s3Bucket: Deriver = {
  derive(b, ctx) {
    const writes = bucketWrites(ctx, b);
    const rules = lifecycleRules(ctx, b);
    const ledger = new ClassLedger();
    let objects = ZERO;
    for (const wr of writes) {
      objects = plus(objects, wr.objects);
      ledger.place(wr, matchRule(rules, wr.prefix));
    }
    if (writes.length === 0) ledger.add(ledger.storage, "standard", unbounded(0, "no writer in the stack bounds what lands in it"));
    const usage: Record<string, Amount> = { "standard.monthly_tier_1_requests": objects };
    for (const [cls, a] of ledger.storage) usage[`${cls}.storage_gb`] = a;
    for (const [cls, a] of ledger.transitions) usage[`${cls}.monthly_lifecycle_transition_requests`] = a;
    return toDerived(usage);
  },
};
