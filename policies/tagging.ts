/**
 * Tagging: every taggable AWS resource carries the required tags. Our program
 * sets them once as the AWS provider's `defaultTags`, so the rule merges the
 * resource's provider's default tags with the resource's own `tags`.
 * Which types are taggable: policies/data/taggable-types.json (generated from
 * @pulumi/aws by policies/scripts/generate-taggable-types.ts).
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import taggable from "./data/taggable-types.json";
import { checkEach, isUnknown, jsonOrObject, peek, reportCannotVerify, unwrapProxy } from "./common";

export const TAGGABLE_TYPES: ReadonlySet<string> = new Set(taggable.types);

export const DEFAULT_REQUIRED_TAGS = ["environment", "project", "owner", "cost-center"];

type TagMap = Record<string, unknown>;

/** The provider's `defaultTags.tags`; provider inputs may hold nested values as JSON text. */
export function providerDefaultTags(provider: { props: Record<string, unknown> } | undefined): TagMap | "unknown" {
  if (!provider) return {};
  const raw = unwrapProxy(provider.props)["defaultTags"];
  if (isUnknown(raw)) return "unknown";
  const defaults = jsonOrObject(raw);
  const tags = peek(defaults, "tags");
  if (isUnknown(tags)) return "unknown";
  return tags !== null && typeof tags === "object" ? (tags as TagMap) : {};
}

function ownTags(r: PolicyResource): TagMap | "unknown" {
  const raw: unknown = unwrapProxy(r.props)["tags"];
  if (isUnknown(raw)) return "unknown";
  const tags = jsonOrObject(raw);
  return tags !== null && typeof tags === "object" ? (tags as TagMap) : {};
}

export const requiredTags: StackValidationPolicy = {
  name: "required-tags",
  description: "Taggable AWS resources must carry the required tags (own tags merged over the provider's defaultTags).",
  configSchema: {
    properties: {
      requiredTags: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1, uniqueItems: true, default: DEFAULT_REQUIRED_TAGS },
    },
  },
  validateStack: (args, report) => {
    const required = args.getConfig<{ requiredTags: string[] }>().requiredTags ?? DEFAULT_REQUIRED_TAGS;
    checkEach(args.resources.filter((r) => TAGGABLE_TYPES.has(r.type)), report, (r) => {
      const defaults = providerDefaultTags(r.provider);
      const own = ownTags(r);
      const merged = { ...(defaults === "unknown" ? {} : defaults), ...(own === "unknown" ? {} : own) };
      const missing = required.filter((k) => {
        const v = merged[k];
        return v === undefined || v === null || v === "";
      });
      if (missing.length === 0) return;
      if (defaults === "unknown" || own === "unknown") {
        // A tag map not known during preview may still hold the missing keys.
        reportCannotVerify(report, r.urn, `${r.name} ${own === "unknown" ? "tags" : "provider defaultTags"} not known during preview (would miss ${missing.join(", ")})`);
        return;
      }
      report(`${r.type.split(":")[2] ?? r.type} ${r.name} must carry tags ${missing.join(", ")} (set them in the AWS provider's defaultTags or the resource's tags).`, r.urn);
    });
  },
};

export const taggingPolicies = [requiredTags];
