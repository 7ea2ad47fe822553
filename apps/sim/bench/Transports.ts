/**
 * Round trips per second of `AT+CGSN` and `AT%JWT` over TCP loopback — one client, and 16 clients each
 * pipelining 8 lines — each as a ratio to the same commands through the in-process memory transport, measured
 * in the same run on the same modem.
 *
 * Run: `pnpm bench` (in apps/sim).
 */
import { Setup } from "@atmodem/modem-sim"
import { Client } from "@atmodem/transport"
import { MemoryTransport } from "@atmodem/transport-memory"
import { TcpTransport } from "@atmodem/transport-tcp"
import { Effect, Exit, Layer, Scope } from "effect"
import { runTable } from "../../../tooling/bench.ts"

const CLIENTS = 16
const PIPELINE = 8

const program = Effect.gen(function* () {
  const scope = yield* Scope.make()
  const context = yield* Layer.build(Setup.layerMemory({ seed: "bench" })).pipe(Scope.provide(scope))
  const clients = yield* Effect.gen(function* () {
    const memory = yield* MemoryTransport.serve()
    const tcp = yield* TcpTransport.serve({ port: 0 })
    const memoryClient = () => Effect.flatMap(memory.connect, (channel) => Client.make(channel))
    const tcpClient = () => Effect.flatMap(TcpTransport.connect({ port: tcp.port }), (channel) => Client.make(channel))
    return {
      memory: yield* memoryClient(),
      tcp: yield* tcpClient(),
      memoryMany: yield* Effect.forEach(Array.from({ length: CLIENTS }), memoryClient),
      tcpMany: yield* Effect.forEach(Array.from({ length: CLIENTS }), tcpClient)
    }
  }).pipe(Effect.provideContext(context), Scope.provide(scope))
  return { clients, close: Scope.close(scope, Exit.void) }
})

const { clients, close } = await Effect.runPromise(program)

const one = (client: Client.Client, line: string) => () => Effect.runPromise(client.command(line))
const pipelined = (many: ReadonlyArray<Client.Client>, line: string) => () =>
  Effect.runPromise(
    Effect.forEach(
      many,
      (client) =>
        Effect.forEach(
          Array.from({ length: PIPELINE }, () => line),
          client.command,
          { concurrency: "unbounded" }
        ),
      {
        concurrency: "unbounded"
      }
    )
  )

for (const line of ["AT+CGSN", "AT%JWT"]) {
  await runTable(`${line} round trips`, {
    unit: "round trips/s",
    reference: { name: "memory, 1 client", run: one(clients.memory, line) },
    cases: [
      { name: "tcp loopback, 1 client", run: one(clients.tcp, line) },
      {
        name: `memory, ${CLIENTS} clients x ${PIPELINE} pipelined`,
        run: pipelined(clients.memoryMany, line),
        opsPerCall: CLIENTS * PIPELINE
      },
      {
        name: `tcp loopback, ${CLIENTS} clients x ${PIPELINE} pipelined`,
        run: pipelined(clients.tcpMany, line),
        opsPerCall: CLIENTS * PIPELINE
      }
    ]
  })
}

await Effect.runPromise(close)
