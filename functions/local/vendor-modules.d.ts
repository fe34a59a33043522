// Minimal typings for the embedded AWS emulators (the packages ship none).
declare module "kinesalite" {
  import type { Server } from "node:http";
  function kinesalite(options?: { createStreamMs?: number; deleteStreamMs?: number; updateStreamMs?: number; shardLimit?: number; path?: string }): Server;
  export = kinesalite;
}
declare module "dynalite" {
  import type { Server } from "node:http";
  function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; maxItemSizeKb?: number; path?: string }): Server;
  export = dynalite;
}
declare module "s3rver" {
  import type { AddressInfo } from "node:net";
  import type { Server } from "node:http";
  class S3rver {
    constructor(options: { address?: string; port?: number; silent?: boolean; directory: string; resetOnClose?: boolean; configureBuckets?: { name: string }[] });
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    httpServer?: Server;
  }
  export = S3rver;
}
