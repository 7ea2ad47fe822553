/**
 * Child process of the crash test: opens the file store in a directory and performs operations in a loop,
 * printing `ack <index>` after each acknowledged one (and waiting until the line is flushed), until killed.
 *
 * Usage: <runtime> crashWriter.ts <directory> <first index>
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CredStore, FileStore } from "../../src/index.ts"
import { crashConfig, operationAt } from "./crashOps.ts"
import { platformLayer } from "./platform.ts"

const [directory, first] = process.argv.slice(2)
if (directory === undefined || first === undefined) throw new Error("usage: crashWriter.ts <directory> <first>")

const print = (line: string) =>
  Effect.callback<void>((resume) => {
    process.stdout.write(`${line}\n`, () => resume(Effect.void))
  })

const program = Effect.gen(function* () {
  const store = yield* CredStore.CredStore
  yield* print("ready")
  for (let index = Number(first); ; index++) {
    const op = operationAt(index)
    if (op._tag === "write") {
      yield* store.write({ secTag: op.secTag, type: op.type, content: op.content })
    } else {
      yield* Effect.catchTag(store.delete(op.secTag, op.type), "NotFound", () => Effect.void)
    }
    yield* print(`ack ${index}`)
  }
})

const layer = CredStore.layer(crashConfig).pipe(Layer.provide(FileStore.layer(directory)), Layer.provide(platformLayer))

Effect.runFork(
  program.pipe(
    Effect.provide(layer),
    Effect.catch((error) => Effect.sync(() => process.stderr.write(`crashWriter failed: ${error.message}\n`))),
    Effect.ensuring(Effect.sync(() => process.exit(3)))
  )
)
