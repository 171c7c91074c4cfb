// One lint for the whole tree: typescript-eslint's recommended rules everywhere, and for the
// Pulumi program (index.ts, stacks/, components/, policies/) @pulumi/eslint-plugin's type-aware
// rules, which catch an Output interpolated into a plain template literal ("Calling [toString]
// on an [Output<T>] is not supported"). Formatting is Prettier's job (npm run format).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

const PULUMI_PROGRAM = ["index.ts", "stacks/**/*.ts", "components/**/*.ts", "policies/**/*.ts", "scripts/plan/**/*.ts"];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "policies/node_modules/",
      "runtime/dist/",
      "dist/",
      "bench/out/",
      "reports/",
      "coverage/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        require: "readonly",
        module: "writable",
        Buffer: "readonly",
        setImmediate: "readonly",
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Test doubles and Pulumi mocks pass loosely typed provider state around on purpose.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // `try { ... } catch { /* best effort */ }` is documented where it is used.
      "no-empty": ["error", { allowEmptyCatch: true }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "prefer-const": "error",
      "no-console": "error",
      // Errors are rewritten into one line with passwords removed (redactSecrets); attaching the
      // original as `cause` would carry its unredacted text to anything that inspects the error.
      "preserve-caught-error": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: PULUMI_PROGRAM,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  {
    // bench and scripts print their reports; tests may log while debugging a failure
    files: ["bench/**/*.ts", "scripts/**/*.ts", "test/**/*.ts", "test/**/*.js"],
    rules: { "no-console": "off" },
  },
  {
    // tests load a module afresh (or a JSON fixture) inside a test body
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
