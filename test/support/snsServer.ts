import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

/**
 * A loopback HTTP server speaking the part of Amazon SNS's query protocol that bloom-dr uses
 * (form-encoded `Action=ListSubscriptionsByTopic` with `NextToken` paging for readiness,
 * `Action=Publish` for incident notifications; XML answers; the `NotFound`, `InvalidParameter`
 * and `AuthorizationError` errors), so tests go through the real AWS SDK client: signing,
 * serialisation, XML parsing and error mapping included.
 */
export interface SnsServer {
  endpoint: string;
  /** Adds a topic with its subscriptions; "PendingConfirmation" as the ARN of an unconfirmed one. */
  topic(arn: string, subscriptions?: { subscriptionArn: string; protocol: string; endpoint: string }[]): void;
  /** While set, Publish to this topic fails with AuthorizationError (a role without sns:Publish). */
  denyPublish(arn: string | undefined): void;
  /** Every request's action, topic and page token. */
  requests: { action: string; topicArn: string; nextToken: string; authorized: boolean }[];
  /** Every message accepted by Publish, in order, with the id the server gave it. */
  published: { topicArn: string; subject: string; message: string; messageId: string }[];
  close(): Promise<void>;
}

const NS = "http://sns.amazonaws.com/doc/2010-03-31/";

export async function startSnsServer(pageSize = 100): Promise<SnsServer> {
  const topics = new Map<string, { subscriptionArn: string; protocol: string; endpoint: string }[]>();
  const requests: SnsServer["requests"] = [];
  const published: SnsServer["published"] = [];
  let denied: string | undefined;

  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (body) => answer(req, new URLSearchParams(body), res),
      () => res.destroy(),
    );
  });

  function answer(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): void {
    const action = form.get("Action") ?? "";
    const topicArn = form.get("TopicArn") ?? "";
    const nextToken = form.get("NextToken") ?? "";
    const authorized = String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256");
    requests.push({ action, topicArn, nextToken, authorized });
    if (!authorized)
      return error(res, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    if (form.get("Version") !== "2010-03-31") return error(res, 400, "InvalidAction", "unsupported version");
    if (action === "Publish") return publish(form, res);
    if (action !== "ListSubscriptionsByTopic") return error(res, 400, "InvalidAction", `unsupported action ${action}`);
    const subscriptions = topics.get(topicArn);
    if (!subscriptions) return error(res, 404, "NotFound", "Topic does not exist");
    const start = nextToken ? Number(nextToken) : 0;
    const page = subscriptions.slice(start, start + pageSize);
    const next = start + pageSize < subscriptions.length ? String(start + pageSize) : undefined;
    const members = page
      .map(
        (s) =>
          `<member><TopicArn>${xml(topicArn)}</TopicArn><Protocol>${xml(s.protocol)}</Protocol>` +
          `<SubscriptionArn>${xml(s.subscriptionArn)}</SubscriptionArn><Owner>123456789012</Owner>` +
          `<Endpoint>${xml(s.endpoint)}</Endpoint></member>`,
      )
      .join("");
    reply(
      res,
      200,
      `<ListSubscriptionsByTopicResponse xmlns="${NS}"><ListSubscriptionsByTopicResult>` +
        `<Subscriptions>${members}</Subscriptions>${next ? `<NextToken>${next}</NextToken>` : ""}` +
        `</ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>test</RequestId></ResponseMetadata>` +
        `</ListSubscriptionsByTopicResponse>`,
    );
  }

  /** SNS's limits: a message up to 256 KB, a subject up to 100 printable ASCII characters on one line. */
  function publish(form: URLSearchParams, res: ServerResponse): void {
    const topicArn = form.get("TopicArn") ?? "";
    const message = form.get("Message") ?? "";
    const subject = form.get("Subject") ?? "";
    if (!topics.has(topicArn)) return error(res, 404, "NotFound", "Topic does not exist");
    if (denied === topicArn)
      return error(
        res,
        403,
        "AuthorizationError",
        `User is not authorized to perform: SNS:Publish on resource: ${topicArn}`,
      );
    if (!message) return error(res, 400, "InvalidParameter", "Invalid parameter: Empty message");
    if (Buffer.byteLength(message) > 262144)
      return error(res, 400, "InvalidParameter", "Invalid parameter: Message too long");
    if (subject.length > 100 || /[^\x20-\x7e]/.test(subject))
      return error(res, 400, "InvalidParameter", "Invalid parameter: Subject");
    const messageId = `00000000-0000-4000-8000-${String(published.length + 1).padStart(12, "0")}`;
    published.push({ topicArn, subject, message, messageId });
    reply(
      res,
      200,
      `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>test</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    topic: (arn, subscriptions = []) => void topics.set(arn, subscriptions),
    denyPublish: (arn) => {
      denied = arn;
    },
    requests,
    published,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  reply(
    res,
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>test</RequestId></ErrorResponse>`,
  );
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "text/xml",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": "test",
  });
  res.end(body);
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}
