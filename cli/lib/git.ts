/** The few git operations `platform diff` needs, with one-line errors. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliError } from "../errors";

export function git(cwd: string, args: readonly string[]): string {
  const p = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (p.error) throw new CliError(`git cannot run (${(p.error as NodeJS.ErrnoException).code ?? p.error.message})`);
  if (p.status !== 0) throw new GitError(`git ${args[0]} failed: ${(p.stderr || p.stdout).trim().split("\n")[0] ?? ""}`);
  return p.stdout.trim();
}

export class GitError extends CliError {}

/** The commit a ref names; CliError when it names none. */
export function resolveCommit(cwd: string, ref: string): string {
  try {
    git(cwd, ["rev-parse", "--show-toplevel"]);
  } catch {
    throw new CliError(`${cwd} is not inside a git repository`);
  }
  try {
    return git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new CliError(`unknown git ref ${ref}`);
  }
}

/**
 * Checks the commit out in a temporary worktree, with the working tree's
 * node_modules linked in, runs `fn` on the project folder inside it, and
 * always removes the worktree afterwards.
 */
export async function withWorktree<T>(cwd: string, commit: string, fn: (projectDir: string) => Promise<T>): Promise<T> {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]);
  const rel = path.relative(fs.realpathSync(top), fs.realpathSync(cwd));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "platform-diff-"));
  const wt = path.join(tmp, "base");
  try {
    git(top, ["worktree", "add", "--detach", "--quiet", wt, commit]);
    const projectDir = path.join(wt, rel);
    if (!fs.existsSync(projectDir)) throw new CliError(`the project folder ${rel || "."} does not exist at ${commit.slice(0, 12)}`);
    const modules = path.join(cwd, "node_modules");
    const target = fs.existsSync(modules) ? modules : path.join(top, "node_modules");
    if (!fs.existsSync(path.join(projectDir, "node_modules"))) fs.symlinkSync(target, path.join(projectDir, "node_modules"), "dir");
    return await fn(projectDir);
  } finally {
    try {
      git(top, ["worktree", "remove", "--force", wt]);
    } catch {
      // Already gone or never created: prune the bookkeeping below.
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    try {
      git(top, ["worktree", "prune"]);
    } catch {
      // Nothing to prune.
    }
  }
}
