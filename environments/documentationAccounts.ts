/**
 * AWS account IDs that AWS's documentation uses as placeholders. A stack file
 * that names one was copied from an example: every ARN built from it points
 * at an account that is not the deployer's, so config naming one is rejected.
 * Sources (as of 2026-12): 111122223333 and 444455556666 in the KMS Developer
 * Guide's cross-account examples
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html),
 * 123456789012 in the IAM User Guide's identifier examples
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html);
 * 555555555555, 777788889999 and 999999999999 appear as placeholders across
 * AWS documentation examples as well.
 */
export const DOCUMENTATION_ACCOUNT_IDS: readonly string[] = ["111122223333", "123456789012", "444455556666", "555555555555", "777788889999", "999999999999"];

/** The documentation account IDs a value names, as a whole 12-digit number (in an ARN or alone). Pure. */
export function documentationAccountsIn(value: string): string[] {
  return [...value.matchAll(/(?<!\d)(\d{12})(?!\d)/g)].map((m) => m[1] ?? "").filter((id) => DOCUMENTATION_ACCOUNT_IDS.includes(id));
}
