/**
 * Records every AWS call made through an AWS SDK v3 client during the test
 * run, with an SDK middleware added to each client on its first `send`
 * (Smithy's `Client`, which every v3 client extends): the client, the
 * operation, its input and the test file that made it. The IAM simulation
 * (./simulate.test.ts) proves each recorded call of a function is allowed
 * by the function's synthesized role. Loaded by .mocharc as a root hook
 * plugin; clients stubbed by aws-sdk-client-mock never reach the middleware
 * (their calls are no emulator's: the service-call list covers those).
 */
import * as path from "node:path";
import type { Client } from "@smithy/core/client";

export interface RecordedCall {
  /** The test file that made the call. */
  readonly file: string;
  /** The function folder whose code made it (`stream-processor`), from the call's async stack. */
  readonly fn: string;
  /** e.g. "DynamoDBClient". */
  readonly client: string;
  /** e.g. "UpdateItemCommand". */
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

const calls: RecordedCall[] = [];
let currentFile = "";
const instrumented = new WeakSet<object>();

type AnyClient = Client<unknown, never, never, never> & { middlewareStack: { add(mw: unknown, opts: unknown): void } };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const smithy = require("@smithy/core/client") as { Client: { prototype: { send: (...args: unknown[]) => unknown } } };
const send = smithy.Client.prototype.send;
smithy.Client.prototype.send = function (this: AnyClient, ...args: unknown[]) {
  if (!instrumented.has(this)) {
    instrumented.add(this);
    this.middlewareStack.add(
      (next: (a: { input: Record<string, unknown> }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (a: { input: Record<string, unknown> }) => {
        const fn = functionOf(new Error().stack ?? "");
        // Calls the tests make themselves (creating tables, uploading fixtures) are not the functions'.
        if (fn !== undefined) calls.push({ file: currentFile, fn, client: context.clientName ?? "?", command: context.commandName ?? "?", input: { ...a.input } });
        return next(a);
      },
      { step: "initialize", name: "iamCallRecorder", priority: "high" },
    );
  }
  return send.apply(this, args);
};

const FUNCTIONS_DIR = `${path.join(__dirname, "..", "..", "functions")}/`;

/**
 * Folders of code the CLI runs with the operator's credentials, not a function's role
 * (`platform failed-batches replay`, `platform quarantine replay`): a call with one of
 * them anywhere on its stack is theirs, even when it goes through a function's helpers.
 */
export const OPERATOR_FOLDERS: ReadonlySet<string> = new Set(["replay"]);

/** The operator folder on the stack, else the first function folder, other than the shared helpers and the local runner. */
function functionOf(stack: string): string | undefined {
  const named = stack
    .split("\n")
    .filter((line) => line.includes(FUNCTIONS_DIR))
    .map((line) => line.slice(line.indexOf(FUNCTIONS_DIR) + FUNCTIONS_DIR.length).split("/")[0])
    .filter((folder) => folder !== "local");
  return named.find((f) => OPERATOR_FOLDERS.has(f)) ?? named.find((f) => f !== "shared") ?? named[0];
}

/** Calls recorded so far, from test files whose path contains `fragment`. */
export function recordedCalls(fragment = ""): RecordedCall[] {
  return calls.filter((c) => c.file.includes(fragment));
}

export const mochaHooks = {
  beforeEach(this: { currentTest?: { file?: string } }) {
    currentFile = this.currentTest?.file ?? "";
  },
};
