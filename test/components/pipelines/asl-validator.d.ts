/** Types of asl-validator 4 (it ships none): the default export validates one ASL definition. */
declare module "asl-validator" {
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly message: string }[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidationResult;
  export default aslValidator;
}
