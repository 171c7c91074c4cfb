import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/**
 * The app role's password as PostgreSQL stores it: a SCRAM-SHA-256 verifier computed here
 * (RFC 5802/7677, the format of PostgreSQL's scram_build_secret), so that CREATE/ALTER ROLE never
 * carries the password itself. A server that logs statements (log_statement = ddl, as RDS
 * parameter groups often set) then logs a verifier, from which the password cannot be read.
 */
export const SCRAM_ITERATIONS = 4096;

export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations: number = SCRAM_ITERATIONS,
): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
