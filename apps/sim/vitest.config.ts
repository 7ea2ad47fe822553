import { mergeConfig } from "vitest/config"
import shared from "../../tooling/vitest.shared.ts"

// The end-to-end tests start real simulator processes (several per test, under three runtimes): give them room on
// a loaded two-core CI machine. No test asserts a duration; these are only limits against a hang.
export default mergeConfig(shared, { test: { testTimeout: 180_000, hookTimeout: 180_000 } })
