"use strict";
/**
 * Jest transformer for dependencies published only as ES modules (commander 15): Jest runs the
 * tests as CommonJS and its module registry cannot require() an ES module without
 * --experimental-vm-modules (which warns on every run). Node itself loads these packages natively;
 * only the tests need them compiled, here with esbuild.
 */
const { transformSync } = require("esbuild");

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      format: "cjs",
      loader: "js",
      platform: "node",
      target: "node22",
      sourcefile: sourcePath,
      sourcemap: "external",
    });
    return { code, map };
  },
};
