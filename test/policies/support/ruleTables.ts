import type { BloomResourceRule } from "../../../policies/lib/rule";
import { compliantStack, only } from "./compliantStack";
import { NOT_APPLICABLE, record, resourceViolations, withChange } from "./harness";

/** One failing fixture: a change to the compliant resource (`opts.x` changes a resource option). */
export type FailingCase = [label: string, path: string, value: unknown, expected: string];

export interface RuleTable {
  rule: BloomResourceRule;
  type: string;
  /** Which resource of that type, when the compliant stack has several. */
  name?: string;
  failing: FailingCase[];
}

/**
 * The contract every resource rule is held to: the compliant fixture passes, other types are not
 * applicable, and each failing fixture yields exactly one violation that says what is wrong.
 */
export function describeResourceRules(tables: RuleTable[]): void {
  describe.each(tables)("$rule.name", ({ rule, type, name, failing }) => {
    const compliant = only(compliantStack(), type, name);

    test("the compliant fixture passes", async () => {
      expect(await resourceViolations(rule, compliant)).toEqual([]);
    });

    test("other resource types are not applicable", async () => {
      expect(await resourceViolations(rule, record("aws:sqs/queue:Queue", "dlq", {}))).toBe(NOT_APPLICABLE);
    });

    test.each(failing)("fails when %s", async (_label, path, value, expected) => {
      const changed = path.startsWith("opts.")
        ? { ...compliant, opts: withChange(compliant.opts ?? {}, path.slice(5), value) }
        : { ...compliant, props: withChange(compliant.props, path, value) };
      const violations = await resourceViolations(rule, changed);
      expect(violations).toHaveLength(1);
      expect((violations as string[])[0]).toContain(expected);
    });
  });
}
