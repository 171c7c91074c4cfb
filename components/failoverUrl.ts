/**
 * The DATABASE_URL the app gets when failover is active, built from the RDS-managed master secret.
 * Pure, so the escaping is table-tested: RDS generates passwords with characters such as "/", "@",
 * ":" and "%" that break a URL unless percent-encoded.
 */

export interface FailoverUrlArgs {
    /** The RDS master secret's SecretString: {"username": ..., "password": ...}. */
    readonly masterSecretJson: string;
    readonly host: string;
    readonly port: number;
    readonly database: string;
}

/** RDS always offers TLS; "require" works for apps that do not ship the RDS CA bundle. */
export const FAILOVER_SSLMODE = "require";

export function failoverDatabaseUrl(args: FailoverUrlArgs): string {
    let parsed: unknown;
    try {
        parsed = JSON.parse(args.masterSecretJson);
    } catch {
        throw new Error(`the RDS master secret of ${args.host} is not JSON: check that the instance uses manageMasterUserPassword`);
    }
    const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== "string" || typeof password !== "string" || username === "" || password === "") {
        throw new Error(`the RDS master secret of ${args.host} lacks username or password: check that the instance uses manageMasterUserPassword`);
    }
    const credentials = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
    return `postgresql://${credentials}@${args.host}:${args.port}/${encodeURIComponent(args.database)}?sslmode=${FAILOVER_SSLMODE}`;
}
