/**
 * Bundles the Lambda/Fargate entry points with esbuild into runtime/dist/, laid out so that the
 * image's LAMBDA_TASK_ROOT holds runtime/handlers/dump.js, restoreTest.js, promote.js,
 * dumpTask.js, healthProbe.js and replicate.js: the image CMD "runtime/handlers/dump.handler"
 * resolves there. One self-contained file per entry
 * (AWS SDK and pg included), so the image needs no node_modules.
 *
 * Usage: npm run bundle [-- --outdir DIR]
 */
import { build, BuildOptions, Metafile } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export const HANDLER_ENTRIES = ["dump", "restoreTest", "promote", "dumpTask", "healthProbe", "replicate"] as const;
export type HandlerEntry = (typeof HANDLER_ENTRIES)[number];

export const OPTIONAL_EXTERNALS = ["pg-native", "@aws-sdk/signature-v4-crt"] as const;

export const DEFAULT_OUTDIR = path.join(ROOT, "runtime", "dist");

export interface BundleResult {
  outdir: string;
  /** Absolute path of each built entry file. */
  files: Record<HandlerEntry, string>;
  bytes: number;
  /** Source files bundled, relative to the repository root (node_modules included). */
  inputs: string[];
}

export function bundleOptions(outdir: string): BuildOptions {
  return {
    entryPoints: Object.fromEntries(
      HANDLER_ENTRIES.map((e) => [`runtime/handlers/${e}`, path.join(ROOT, "runtime", "handlers", `${e}.ts`)]),
    ),
    outdir,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "cjs",
    // Optional modules loaded inside try/catch and never needed here: pg's native libpq binding,
    // and the CRT signer the S3 client wants only for multi-region access points (SigV4a).
    external: [...OPTIONAL_EXTERNALS],
    sourcemap: "linked",
    // keeps stack traces and error class names readable in CloudWatch Logs
    minify: false,
    keepNames: true,
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  };
}

export async function bundleHandlers(outdir: string = DEFAULT_OUTDIR): Promise<BundleResult> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build(bundleOptions(outdir));
  const files = Object.fromEntries(
    HANDLER_ENTRIES.map((e) => [e, path.join(outdir, "runtime", "handlers", `${e}.js`)]),
  ) as Record<HandlerEntry, string>;
  const inputs = Object.keys(result.metafile!.inputs).map((file) => path.relative(ROOT, path.resolve(ROOT, file)));
  return { outdir, files, bytes: outputBytes(result.metafile!), inputs };
}

function outputBytes(metafile: Metafile): number {
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .reduce((sum, [, out]) => sum + out.bytes, 0);
}

if (require.main === module) {
  const i = process.argv.indexOf("--outdir");
  const outdir = i > 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : DEFAULT_OUTDIR;
  bundleHandlers(outdir).then(
    (r) => {
      process.stdout.write(
        `bundled ${HANDLER_ENTRIES.length} handlers into ${path.relative(process.cwd(), r.outdir) || "."} (${(r.bytes / 1024 / 1024).toFixed(1)} MiB of JavaScript)\n`,
      );
    },
    (err: Error) => {
      process.stderr.write(`bundle failed: ${err.message.split("\n")[0]}\n`);
      process.exitCode = 1;
    },
  );
}
