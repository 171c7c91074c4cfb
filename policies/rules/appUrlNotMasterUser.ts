import { BloomStackRule } from "../lib/rule";
import { knownValue } from "../lib/links";
import { servingSecrets } from "../lib/servingSecret";

/** The user name a postgres URL names, decoded; undefined when the value is not such a URL. */
export function urlUser(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") return undefined;
    return url.username === "" ? undefined : decodeURIComponent(url.username);
  } catch {
    return undefined;
  }
}

/**
 * The app never connects as the RDS master: RDS rotates the managed master password every 7 days
 * (a copy in the app's secret goes stale and the app loses its database), and the master is a
 * member of rds_superuser. Messages name resources, never the secret's value.
 */
export const appUrlNotMasterUser: BloomStackRule = {
  name: "app-url-not-master-user",
  description:
    "A Secrets Manager secret version built from an RDS instance must not name the instance's master user (its username) in the URL.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Build the app's URL from the app role the promotion step creates and the password the stack generates for it (FailoverDatabase does), never from the RDS master secret.",
  validateStack: (args, reportViolation) => {
    for (const { version, instance } of servingSecrets(args.resources)) {
      const value = knownValue(version.props, "secretString");
      const master = knownValue(instance.props, "username");
      // Unknown during a preview of a new version: checked again at update time.
      if (typeof value !== "string" || typeof master !== "string") continue;
      if (urlUser(value) === master) {
        reportViolation(
          `${version.name} makes the app connect to ${instance.name} as its master user ${master}; use the app role`,
          version.urn,
        );
      }
    }
  },
};
