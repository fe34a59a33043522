/**
 * Where the e-mail hash key comes from: the Secrets Manager secret named by
 * EMAIL_HASH_SECRET_ARN (its SecretString is the key), fetched once per
 * container and cached; EMAIL_HASH_KEY overrides it for local runs and tests.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ConfigurationError } from "./errors";

export type SecretFetcher = (secretArn: string) => Promise<string>;

/** Reads a SecretString with the real SDK client. */
export const secretsManagerFetcher =
  (client: SecretsManagerClient = new SecretsManagerClient({})): SecretFetcher =>
  async (secretArn) => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!out.SecretString) throw new ConfigurationError(`secret ${secretArn} has no SecretString`);
    return out.SecretString;
  };

/** Resolves the key once and caches the promise (a failed fetch is retried on the next call). */
export class HashKeyProvider {
  private cached: Promise<string> | undefined;

  public constructor(
    private readonly source: { readonly EMAIL_HASH_KEY?: string | undefined; readonly EMAIL_HASH_SECRET_ARN?: string | undefined },
    private readonly fetchSecret: SecretFetcher = secretsManagerFetcher(),
  ) {
    if (!source.EMAIL_HASH_KEY && !source.EMAIL_HASH_SECRET_ARN) {
      throw new ConfigurationError("invalid environment: EMAIL_HASH_SECRET_ARN is required (or EMAIL_HASH_KEY for local runs)");
    }
  }

  public get(): Promise<string> {
    if (this.source.EMAIL_HASH_KEY) return Promise.resolve(this.source.EMAIL_HASH_KEY);
    if (!this.cached) {
      this.cached = this.fetchSecret(this.source.EMAIL_HASH_SECRET_ARN!).then((key) => {
        if (key.length < 16) throw new ConfigurationError("the e-mail hash key must be at least 16 characters");
        return key;
      });
      this.cached.catch(() => (this.cached = undefined));
    }
    return this.cached;
  }
}
