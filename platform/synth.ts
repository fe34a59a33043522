/**
 * Runs the platform program for one environment under Pulumi's mock runtime
 * and returns every resource it declares, with parents, providers,
 * dependencies and inputs: the same shape a `pulumi preview` gives.
 * No cloud credentials, no Pulumi CLI.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../environments";
import { StackResource } from "../model/resources";
import { mockCall, mockResourceState } from "./mocks";
import { deployPlatform, PlatformOutputs } from "./program";

export interface SynthResult {
  readonly env: Environment;
  readonly resources: StackResource[];
  readonly outputs: PlatformOutputs;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { entries(): Iterable<[string, { getUrnsList(): string[] }]> } | undefined;
  getObject(): unknown;
}

interface MockMonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp?: { getUrn(): string }) => void): Promise<void>;
}

let queue: Promise<unknown> = Promise.resolve();

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Secret values appear as "[secret]", as `pulumi preview --json` shows them. */
function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === "object") {
    if ((value as Record<string, unknown>)[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

/** Which resources each input came from, as the engine records it (empty lists dropped, as Pulumi's state does). */
function propertyDependenciesOf(req: RegisterRequest): { propertyDependencies?: Record<string, string[]> } {
  const map = req.getPropertydependenciesMap();
  if (!map) return {};
  const entries = [...map.entries()].map(([key, deps]) => [key, deps.getUrnsList()] as const).filter(([, urns]) => urns.length > 0);
  return entries.length > 0 ? { propertyDependencies: Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) } : {};
}

/**
 * Synthesizes one stack. Calls are serialized: Pulumi's runtime settings are
 * process-global, so two stacks never synthesize at the same time.
 */
export function synthesizeStack(env: Environment, program: (env: Environment) => PlatformOutputs = deployPlatform): Promise<SynthResult> {
  const run = queue.then(() => synthesizeNow(env, program));
  queue = run.catch(() => undefined);
  return run;
}

async function synthesizeNow(env: Environment, program: (env: Environment) => PlatformOutputs): Promise<SynthResult> {
  const resources: StackResource[] = [];
  const failures: unknown[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockResourceState(args, env.awsRegion),
      call: (args) => mockCall(args.token, args.inputs as Record<string, unknown>, env.awsRegion),
    },
    env.project,
    env.stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, resp) => {
      if (err) failures.push(err);
      else if (resp) {
        const inputs = pulumi.runtime.deserializeProperties(req.getObject() as Parameters<typeof pulumi.runtime.deserializeProperties>[0]);
        resources.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          ...(req.getParent() ? { parent: req.getParent() } : {}),
          ...(req.getProvider() ? { provider: req.getProvider() } : {}),
          dependencies: req.getDependenciesList(),
          ...propertyDependenciesOf(req),
          inputs: redactSecrets(inputs) as Record<string, unknown>,
        });
      }
      callback(err, resp);
    });

  const outputs = program(env);
  await pulumi.runtime.disconnect();
  if (failures.length > 0) throw failures[0];
  // Registration order depends on promise timing; sort so output is stable.
  resources.sort((a, b) => a.urn.localeCompare(b.urn));
  return { env, resources, outputs };
}
