import { formatBytes, formatDuration, formatTable } from "../../../runtime/lib/text/format";

test.each([
  [0, "0 B"],
  [1023, "1023 B"],
  [1536, "1.5 KiB"],
  [5 * 1024 ** 2, "5.0 MiB"],
  [3.25 * 1024 ** 3, "3.3 GiB"],
  [2 * 1024 ** 5, "2048.0 TiB"],
])("formatBytes(%d) = %s", (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});

test.each([
  [0, "0ms"],
  [999.4, "999ms"],
  [1000, "1.0s"],
  [59_949, "59.9s"],
  [61_234, "1m 1.2s"],
  [3_725_000, "62m 5.0s"],
])("formatDuration(%d) = %s", (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test("formatTable pads every column to its widest cell, underlines the header, trims line ends", () => {
  expect(
    formatTable([
      ["table", "rows", "note"],
      ["public.clients", "600", ""],
      ["x", "12345", "big"],
    ]),
  ).toBe(
    [
      "table           rows   note",
      "--------------  -----  ----",
      "public.clients  600",
      "x               12345  big",
    ].join("\n"),
  );
});

test("formatTable treats missing cells as empty", () => {
  expect(formatTable([["a", "b"], ["only"]])).toBe(["a     b", "----  -", "only"].join("\n"));
});
