import { describeS3Error } from "../../../runtime/lib/store/s3Store";

/** The SDK's errors as thrown: a name, a message (sometimes several lines), sometimes a Code. */
function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

describe("describeS3Error", () => {
  test.each<[string, unknown, string]>([
    [
      "the code is prefixed",
      sdkError("NoSuchBucket", "The specified bucket does not exist"),
      "NoSuchBucket: The specified bucket does not exist",
    ],
    [
      "only the first line is kept",
      sdkError("AccessDenied", "Access Denied\nRequestId: X"),
      "AccessDenied: Access Denied",
    ],
    ["a plain Error keeps its message", new Error("socket hang up"), "socket hang up"],
    [
      "missing credentials say what to set",
      sdkError("CredentialsProviderError", "Could not load credentials from any providers"),
      "CredentialsProviderError: Could not load credentials from any providers: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and AWS_REGION",
    ],
  ])("%s", (_name, err, expected) => {
    expect(describeS3Error(err)).toBe(expected);
  });
});
