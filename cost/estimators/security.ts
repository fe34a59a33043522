/**
 * Keys, secrets and cost governance: AWS KMS, AWS Secrets Manager, AWS Budgets.
 */
import { DAYS_PER_MONTH } from "../constants";
import { Estimator, line, use } from "./types";

export const kmsKey: Estimator = {
  usageKeys: {
    monthly_requests: "KMS API requests a month against this key.",
  },
  price({ usage, prices }) {
    return [...line(prices, "kms.keyMonth", "Customer managed key", 1), ...line(prices, "kms.requests", "Requests", use(usage, "monthly_requests") / 10_000)];
  },
};

export const secret: Estimator = {
  usageKeys: {
    monthly_requests: "Secrets Manager API calls a month against this secret.",
  },
  price({ usage, prices }) {
    return [...line(prices, "secretsmanager.secretMonth", "Secret", 1), ...line(prices, "secretsmanager.requests", "API calls", use(usage, "monthly_requests") / 10_000)];
  },
};

/** Every active budget is billed per day (the account's first two are free: not subtracted, as every free tier). */
export const budget: Estimator = {
  usageKeys: {},
  price({ prices }) {
    return line(prices, "budgets.budgetDay", "Budget days", DAYS_PER_MONTH);
  },
};
