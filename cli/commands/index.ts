// Every CLI command, one module each. A module exports `register(program, io, setExit)`.
export * as plan from "./plan";
export * as local from "./local";
export * as check from "./check";
export * as diff from "./diff";
export * as compare from "./compare";
export * as diagram from "./diagram";
export * as cost from "./cost";
export * as query from "./query";
export * as replay from "./replay";
export * as brake from "./brake";
export * as synth from "./synth";
