import {
  parseTableList,
  parseTableName,
  quoteIdent,
  quoteLiteral,
  quoteTable,
} from "../../../runtime/lib/integrity/identifiers";

describe("quoteIdent", () => {
  test.each([
    ["clients", '"clients"'],
    ["Mixed Case", '"Mixed Case"'],
    ['x"; DROP TABLE clients; --', '"x""; DROP TABLE clients; --"'],
    ["select", '"select"'],
    ["a.b", '"a.b"'],
  ])("%s → %s", (input, quoted) => {
    expect(quoteIdent(input)).toBe(quoted);
  });

  test("refuses a NUL byte", () => {
    expect(() => quoteIdent("a\0b")).toThrow("NUL");
  });

  test("quoteTable quotes both parts", () => {
    expect(quoteTable({ schema: "My Schema", name: 'a"b' })).toBe('"My Schema"."a""b"');
  });
});

describe("quoteLiteral", () => {
  test.each([
    ["plain", "'plain'"],
    ["it's", "'it''s'"],
    ["back\\slash", "E'back\\\\slash'"],
    ["both ' and \\", "E'both '' and \\\\'"],
  ])("%s → %s", (input, quoted) => {
    expect(quoteLiteral(input)).toBe(quoted);
  });
});

describe("parseTableName", () => {
  test.each([
    ["reservations", { schema: "public", name: "reservations" }],
    ["  clients ", { schema: "public", name: "clients" }],
    ["billing.payments", { schema: "billing", name: "payments" }],
    ['"My Schema"."a.b"', { schema: "My Schema", name: "a.b" }],
    ['"a""b"', { schema: "public", name: 'a"b' }],
    ["reservations; DROP TABLE clients", { schema: "public", name: "reservations; DROP TABLE clients" }],
  ])("%s", (input, parsed) => {
    expect(parseTableName(input)).toEqual(parsed);
  });

  test.each([
    ["", "empty table name"],
    ["a.b.c", "more than two parts"],
    ['"open', "unterminated double quote"],
    ["a.", "ends with a dot"],
    ['"a"x', "text after a quoted part"],
    [".a", "empty part"],
  ])("%j is refused: %s", (input, message) => {
    expect(() => parseTableName(input)).toThrow(message);
  });
});

describe("parseTableList", () => {
  test("splits on commas outside quotes", () => {
    expect(parseTableList('clients, public.reservations,"a,b"')).toEqual([
      { schema: "public", name: "clients" },
      { schema: "public", name: "reservations" },
      { schema: "public", name: "a,b" },
    ]);
  });

  test("refuses duplicates, naming the table", () => {
    expect(() => parseTableList("clients,public.clients")).toThrow("table public.clients is listed twice in --tables");
  });

  test("refuses an empty list", () => {
    expect(() => parseTableList(" , ")).toThrow("--tables is empty");
  });
});
