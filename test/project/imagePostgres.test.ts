/**
 * The PostgreSQL client tools the image installs and the newest Neon version the stack config
 * accepts are one number (IMAGE_POSTGRES_MAJOR): moving one without the other would deploy a
 * backup job whose pg_dump refuses the server.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { IMAGE_POSTGRES_MAJOR } from "../../runtime/handlers/contract";

test("runtime/Dockerfile installs the client tools of IMAGE_POSTGRES_MAJOR, and no other major", () => {
  const dockerfile = readFileSync(path.join(__dirname, "../../runtime/Dockerfile"), "utf8");
  const installed = [...dockerfile.matchAll(/\bpostgresql(\d+)\b/g)].map((m) => Number(m[1]));
  expect(installed.length).toBeGreaterThan(0);
  expect(new Set(installed)).toEqual(new Set([IMAGE_POSTGRES_MAJOR]));
});
