/**
 * What the mock providers answer by default in unit tests: the offline plan's answers
 * (scripts/plan/mockProviders.ts), with names that read like the logical names the tests use
 * and a per-role password, so a URI shows which role it was built from.
 */
import {
  InvokeAnswer,
  MockAnswer,
  MockNaming,
  PLAN_ACCOUNT_ID,
  PLAN_REGION,
  mockInvokes,
  mockResourceState,
} from "../../scripts/plan/mockProviders";

export type { InvokeAnswer } from "../../scripts/plan/mockProviders";

export const MOCK_ACCOUNT_ID = PLAN_ACCOUNT_ID;
export const MOCK_REGION = PLAN_REGION;
export const MOCK_PARTITION = "aws";

const TEST_NAMING: MockNaming = {
  physicalName: (logicalName) => logicalName,
  password: (logicalName) => `mock-password-${logicalName}`,
  registryPassword: "mock-ecr-password",
};

/** Plausible provider-computed outputs so that programs can chain resources under mocks. */
export function defaultState(type: string, name: string, inputs: Record<string, any>): MockAnswer {
  return mockResourceState(type, name, inputs, MOCK_REGION, TEST_NAMING);
}

export const DEFAULT_INVOKES: Record<string, InvokeAnswer> = mockInvokes(MOCK_REGION, TEST_NAMING);
