import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { imageTagPolicy, sourceImageTag } from "./imageTag";

/** The repository root: build context of the image. */
export const REPOSITORY_ROOT = path.join(__dirname, "..");
/** Owned by the recovery engine; referenced, never written here. */
export const BACKUP_DOCKERFILE = "runtime/Dockerfile";

export interface BackupImageArgs {
  /** Build context; default the repository root. */
  readonly contextPath?: string;
  /** Default runtime/Dockerfile under the context. */
  readonly dockerfilePath?: string;
  /** Default "src-<hash of runtime/ and the lock files>". */
  readonly tag?: string;
  /**
   * Let `pulumi destroy` delete the repository with its images. Default false: the images running
   * jobs point at survive a mistaken teardown. True for stacks meant to be torn down (the dr
   * stack): docker-build cannot delete the images it pushed once its stored ECR token has expired
   * (12 hours), and a repository with images in it cannot be deleted otherwise.
   */
  readonly forceDelete?: boolean;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The backup image: an ECR repository (scan on push, immutable tags except the build's own
 * "src-*" tags, see imageTag.ts) and the image built from runtime/Dockerfile and pushed to it.
 * `imageUri` is digest-pinned so Lambda and ECS run exactly what was built, whatever a tag says.
 */
export class BackupImage extends pulumi.ComponentResource {
  declare public readonly repositoryUrl: pulumi.Output<string>;
  declare public readonly repositoryArn: pulumi.Output<string>;
  declare public readonly imageUri: pulumi.Output<string>;

  constructor(name: string, args: BackupImageArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:backup:BackupImage", name, {}, opts);
    const contextPath = args.contextPath ?? REPOSITORY_ROOT;
    const tag = args.tag ?? sourceImageTag(contextPath);

    const repository = new aws.ecr.Repository(
      `${name}-repository`,
      {
        ...imageTagPolicy(),
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: args.forceDelete ?? false,
        tags: args.tags,
      },
      { parent: this },
    );

    const credentials = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
    const image = new dockerBuild.Image(
      `${name}-image`,
      {
        context: { location: contextPath },
        dockerfile: { location: path.join(contextPath, args.dockerfilePath ?? BACKUP_DOCKERFILE) },
        // Lambda and Fargate both run x86_64 here; a Mac would otherwise build arm64.
        platforms: [dockerBuild.Platform.Linux_amd64],
        push: true,
        tags: [pulumi.interpolate`${repository.repositoryUrl}:${tag}`],
        registries: [
          {
            address: repository.repositoryUrl,
            username: credentials.userName,
            password: pulumi.secret(credentials.password),
          },
        ],
      },
      { parent: this },
    );

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.imageUri = pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`;
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      imageUri: this.imageUri,
    });
  }
}
