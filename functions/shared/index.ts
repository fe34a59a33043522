export * from "./constants";
export * from "./errors";
export * from "./env";
export * from "./time";
export * from "./transaction";
export * from "./validate";
export * from "./emailHash";
export * from "./hashKey";
