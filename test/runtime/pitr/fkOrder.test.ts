import { parentsFirst } from "../../../runtime/lib/pitr/fkOrder";

const bloom = [
  { child: "public.users", parent: "public.clinics" },
  { child: "public.clients", parent: "public.clinics" },
  { child: "public.reservations", parent: "public.clients" },
  { child: "public.reservations", parent: "public.users" },
  { child: "public.payments", parent: "public.reservations" },
];

describe("parentsFirst", () => {
  test.each<[string, string[], { child: string; parent: string }[], string[]]>([
    ["already ordered", ["public.clients", "public.reservations"], bloom, ["public.clients", "public.reservations"]],
    [
      "children given first",
      ["public.payments", "public.reservations", "public.clients"],
      bloom,
      ["public.clients", "public.reservations", "public.payments"],
    ],
    ["unrelated tables keep the user's order", ["public.b", "public.a"], [], ["public.b", "public.a"]],
    ["keys to tables not chosen are ignored", ["public.payments"], bloom, ["public.payments"]],
    [
      "a self-reference is not a cycle",
      ["public.staff"],
      [{ child: "public.staff", parent: "public.staff" }],
      ["public.staff"],
    ],
    [
      "the whole Bloom schema",
      ["public.payments", "public.reservations", "public.users", "public.clients", "public.clinics"],
      bloom,
      ["public.clinics", "public.users", "public.clients", "public.reservations", "public.payments"],
    ],
  ])("%s", (_name, tables, edges, expected) => {
    expect(parentsFirst(tables, edges)).toEqual(expected);
  });

  test("a cycle is an error that names it", () => {
    const edges = [
      { child: "public.a", parent: "public.b" },
      { child: "public.b", parent: "public.c" },
      { child: "public.c", parent: "public.a" },
    ];
    expect(() => parentsFirst(["public.x", "public.a", "public.b", "public.c"], edges)).toThrow(
      "foreign keys form a cycle among the chosen tables (public.a → public.b → public.c → public.a): no insertion order puts every parent first; recover these tables through pitr export and edit the file",
    );
  });
});
