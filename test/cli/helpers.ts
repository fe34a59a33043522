/** Shared helpers for the CLI tests: run a command in process, make throwaway projects. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";

export const REPO = path.join(__dirname, "..", "..");
export const FIXTURES = path.join(REPO, "test", "fixtures", "cli");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `platform <args>` in process with captured output; `stdin` is its text, or a reader (which may throw, as a closed stdin does). */
export async function run(args: readonly string[], cwd = REPO, stdin?: string | (() => string)): Promise<RunResult> {
  const io = memoryIo(cwd);
  const code = await main(args, stdin === undefined ? io : { ...io, stdin: typeof stdin === "string" ? () => stdin : stdin });
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

/** Runs a command that prints JSON and parses its stdout. */
export async function runJson<T = any>(args: readonly string[], cwd = REPO): Promise<{ code: number; json: T; stderr: string }> {
  const r = await run([...args, "--format", "json"], cwd);
  return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
}

/** A temporary project folder with Pulumi.yaml and the given stack files (name -> YAML text). */
export function tempProject(stacks: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-cli-"));
  fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
  return dir;
}

export const devYaml = () => fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8");
export const prodYaml = () => fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8");

/** A temporary file with the given content. */
export function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-cli-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
