#!/usr/bin/env node
// Entry point of `npx platform`: runs the TypeScript CLI through tsx, so there is no build step.
const Module = require("node:module");

const nativeJs = Module._extensions[".js"];
require("tsx/cjs");
// tsx also hooks plain .js files, lexing each one to find ES-module syntax to
// transform. The platform's own code is all TypeScript and Node 20.19+ loads
// ES-module packages itself, so dependencies load natively: lexing the ~1,700
// files of @pulumi/pulumi and friends costs 0.5-1 s of CPU on every run.
Module._extensions[".js"] = nativeJs;

require("../main.ts")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
