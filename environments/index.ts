export * from "./schema";
export * from "./errors";
export * from "./parse";
export * from "./load";
export * from "./needs";
export * from "./brake";
export * from "./uploads";
