/**
 * One emulator in a child process (so its CPU work runs beside the caller's
 * on another core). Started by {@link startEmulators} with `isolated: true`:
 * argv[2] is kinesis | dynamo | s3; it reports `{ port }` over IPC and stops
 * on the "close" message or when the parent goes away.
 */
import * as fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import dynalite from "dynalite";
import kinesalite from "kinesalite";
import S3rver from "s3rver";

async function main(): Promise<void> {
  const kind = process.argv[2];
  let close: () => Promise<void>;
  let port: number;
  if (kind === "kinesis" || kind === "dynamo") {
    const server: Server =
      kind === "kinesis" ? kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 }) : dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  } else if (kind === "s3") {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "platform-s3rver-"));
    const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
    port = (await server.run()).port;
    close = async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    };
  } else {
    throw new Error(`unknown emulator ${kind}`);
  }
  const stop = () => void close().finally(() => process.exit(0));
  process.on("message", (m) => m === "close" && stop());
  process.on("disconnect", stop);
  process.send!({ port });
}

void main();
