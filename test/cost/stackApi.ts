/** The cost API and constants, as the derivation tests use them. */
export { ASSUMPTIONS, estimateStack } from "../../cost";
export { GB, MB, SECONDS_PER_MONTH as SECONDS, DAYS_PER_MONTH as DAYS_PER_MONTH_FOR_TESTS } from "../../cost/constants";
