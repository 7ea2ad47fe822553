/**
 * Runs `atmodem` with the process's arguments and exits with its exit code (imported by `bin.ts`).
 *
 * @since 0.1.0
 */
// Subpaths, not the package index: the index loads every Node integration (HTTP, Redis, …) at start-up.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Cli from "./Cli.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Io from "./Io.ts"

// `atmodem … | head` closes stdout early: that is not an error.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.OK)
  })

const program = Cli.run(process.argv.slice(2)).pipe(Effect.provide(Layer.mergeAll(NodeServices.layer, Io.layerProcess)))

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit) => {
    const code = Exit.isSuccess(exit)
      ? (exit.value as number)
      : Cause.hasInterruptsOnly(exit.cause)
        ? ExitCode.INTERRUPTED
        : ExitCode.INTERNAL
    // Exit once what was printed is flushed, even if a handle (a serial port, a socket) is still open.
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)))
  }
})
