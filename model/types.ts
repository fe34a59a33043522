/** Type tokens more than one layer reads. */

/** The stack's root component, parent of every top-level resource. */
export const STACK_ROOT_TYPE = "pulumi:pulumi:Stack";
/** An AWS Budget (see ./budget.ts for how a stack's budget is chosen). */
export const BUDGET_TYPE = "aws:budgets/budget:Budget";
/** The AWS provider, whose inputs carry the region. */
export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";
