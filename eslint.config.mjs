// ESLint flat config: typescript-eslint's recommended type-checked rules, plus
// the import boundaries of our layers (model/ at the bottom, cli/ on top):
//   model/  <-  environments/ cost/ policies/ components/ functions/  <-  platform/  <-  cli/
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** A relative import that climbs out of the current folder into `folder/`. */
const into = (...folders) => ({ regex: `^(\\.\\./)+(${folders.join("|")})(/|$)`, message: `layers point one way: this folder must not import ${folders.join("/ or ")}/ (see README, Layout)` });

export default tseslint.config(
  { ignores: ["node_modules/**", "**/node_modules/**", "bin/**", "dist/**", "cli/bin/**", "test/reporter.js", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Small units: no function or constructor over 100 lines (counted with blanks and comments).
      "max-lines-per-function": ["error", { max: 100, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  // model/ is the leaf: it imports no other folder of the project.
  { files: ["model/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^\\.\\./", message: "model/ is the leaf layer: it imports no other folder of the project" }] }] } },
  // The middle layers never import the orchestration (platform/) or the CLI.
  { files: ["environments/**/*.ts", "cost/**/*.ts", "policies/**/*.ts", "components/**/*.ts", "functions/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: [into("platform", "cli")] }] } },
  // engines/ (Trino, Spark, Parquet runners) sits beside model/: callers pass it the components' column lists.
  { files: ["engines/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: [into("environments", "cost", "policies", "components", "functions", "platform", "cli")] }] } },
  // Nothing imports cli/ but the CLI itself (and its tests).
  { files: ["platform/**/*.ts", "bench/**/*.ts", "*.ts"], rules: { "no-restricted-imports": ["error", { patterns: [into("cli")] }] } },
  // Tests exercise every layer and build fixtures freely.
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      // Parsed JSON and mock payloads are read loosely in tests.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/unbound-method": "off",
      // A describe() block holds a suite; its length is not a unit's length.
      "max-lines-per-function": "off",
    },
  },
);
