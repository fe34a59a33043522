// Placeholder until the real handler lands (issue 5): fails loudly rather than pretending to work.
export const handler = async (): Promise<never> => {
  throw new Error("functions/firehose-transform is not implemented yet: this deployment must not receive traffic");
};
