import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import {
  S3_BUCKET_POLICY_TYPES,
  S3_BUCKET_TYPES,
  S3_LIFECYCLE_TYPES,
  S3_OBJECT_LOCK_TYPES,
  S3_PUBLIC_ACCESS_BLOCK_TYPES,
  S3_SSE_TYPES,
  S3_VERSIONING_TYPES,
} from "../lib/resourceTypes";
import { ofTypes, resourcesReferring } from "../lib/links";
import { vaultCopy } from "../lib/vaultScope";
import { VAULT_TAG } from "../lib/resourceTypes";

/** The companion resources (AWS provider v7 splits bucket settings into them) every vault bucket needs. */
export const BUCKET_CONTROLS: ReadonlyArray<{ control: string; types: readonly string[] }> = [
  { control: "server-side encryption configuration", types: S3_SSE_TYPES },
  { control: "versioning", types: S3_VERSIONING_TYPES },
  { control: "public access block", types: S3_PUBLIC_ACCESS_BLOCK_TYPES },
  { control: "bucket policy", types: S3_BUCKET_POLICY_TYPES },
  { control: "Object Lock configuration", types: S3_OBJECT_LOCK_TYPES },
  { control: "lifecycle configuration", types: S3_LIFECYCLE_TYPES },
];

/** Companions point at the bucket through their `bucket` input: the bucket's name, which is also its id. */
const BUCKET_KEYS = ["bucket", "id"];

/**
 * The resource rules check each setting's value; this one checks that each setting exists at
 * all, which no single resource can tell.
 */
export const vaultBucketControlsAttached: BloomStackRule = {
  name: "vault-bucket-controls-attached",
  description: `Every vault bucket (tagged ${VAULT_TAG}) must have its encryption, versioning, public access block, bucket policy, Object Lock and lifecycle configurations attached.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Create the bucket through the BackupVault component, which attaches all six configurations; a hand-made bucket must get each missing configuration resource with `bucket: bucket.id`.",
  validateStack: (args, reportViolation) => {
    // Other buckets (logs, artifacts) are not vaults and need none of this.
    const buckets = ofTypes(args.resources, S3_BUCKET_TYPES).filter((bucket) => vaultCopy(bucket.props) !== undefined);
    for (const bucket of buckets) {
      for (const { control, types } of BUCKET_CONTROLS) {
        const attached: PolicyResource[] = resourcesReferring(args.resources, types, "bucket", bucket, BUCKET_KEYS);
        if (attached.length === 0) {
          reportViolation(`bucket ${bucket.name} has no ${control}`, bucket.urn);
        }
      }
    }
  },
};
