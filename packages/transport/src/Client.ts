/**
 * A host-side AT client over any channel: send a command line, get its information lines and final result.
 * It pairs a {@link Channel.Channel} with at-protocol's `ResponseReader`, so it works the same against the
 * simulator and a real modem on a serial line.
 *
 * Lines may be pipelined: `send` can be called again before earlier answers arrive; each call gets the response
 * to its own line, in order. Unsolicited lines (`+CEREG: ...`) are collected separately.
 *
 * @since 0.1.0
 */
import { ResponseReader, type ResponseWriter } from "@atmodem/at-protocol"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import { type Channel, TransportError } from "./Channel.ts"

/**
 * The answer to one command line.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  /** Information lines, without their `\r\n`. */
  readonly lines: ReadonlyArray<string>
  readonly final: ResponseWriter.FinalResult
}

/**
 * A command line was answered with something other than `OK`.
 *
 * @since 0.1.0
 * @category errors
 */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{
  readonly line: string
  readonly response: Response
}> {
  override get message() {
    // Bun reads `message` while the error is being built, before the fields are set.
    const final = this.response?.final
    if (final === undefined) return "command failed"
    const text = final._tag === "CmeError" || final._tag === "CmsError" ? `${final._tag} ${final.code}` : final._tag
    return `${this.line} answered ${text}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Client {
  /** Sends one command line (without terminator; `\r\n` is added) and returns its response. */
  readonly send: (line: string) => Effect.Effect<Response, TransportError>
  /** Like `send`, but a final result other than `OK` is a {@link CommandFailed}; returns the information lines. */
  readonly command: (line: string) => Effect.Effect<ReadonlyArray<string>, TransportError | CommandFailed>
  /** Unsolicited lines received so far (oldest first). */
  readonly unsolicited: Effect.Effect<ReadonlyArray<string>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Line terminator appended to each command line (default `\r\n`). */
  readonly terminator?: string | undefined
  /** Passed to `ResponseReader.make`. */
  readonly unsolicited?: ReadonlyArray<string> | undefined
  readonly maxLineLength?: number | undefined
}

const encoder = new TextEncoder()

/**
 * A client reading the channel in the background for the life of the scope. When the channel ends or breaks,
 * pending and later `send`s fail with a {@link TransportError}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (channel: Channel, options: Options = {}): Effect.Effect<Client, never, Scope.Scope> =>
  Effect.gen(function* () {
    const reader = ResponseReader.make({
      ...(options.unsolicited === undefined ? {} : { unsolicited: options.unsolicited }),
      ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength })
    })
    const terminator = options.terminator ?? "\r\n"
    const waiting: Array<Deferred.Deferred<Response, TransportError>> = []
    const unsolicited: Array<string> = []
    let ended: TransportError | undefined
    const lock = yield* Semaphore.make(1)

    const endAll = (error: TransportError) =>
      Effect.sync(() => {
        ended ??= error
        for (const deferred of waiting.splice(0)) Deferred.doneUnsafe(deferred, Effect.fail(ended))
      })

    yield* channel.incoming.pipe(
      Stream.runForEach((chunk) =>
        Effect.sync(() => {
          for (const event of reader.push(chunk)) {
            if (event._tag === "Response") {
              const deferred = waiting.shift()
              if (deferred !== undefined)
                Deferred.doneUnsafe(deferred, Effect.succeed({ lines: event.lines, final: event.final }))
            } else if (event._tag === "Unsolicited") unsolicited.push(event.line)
          }
        })
      ),
      Effect.matchEffect({
        onFailure: endAll,
        onSuccess: () => endAll(new TransportError({ reason: `${channel.description} closed by the peer` }))
      }),
      Effect.forkScoped
    )

    const send = (line: string) =>
      Effect.gen(function* () {
        const deferred = yield* Deferred.make<Response, TransportError>()
        yield* Semaphore.withPermits(
          lock,
          1
        )(
          Effect.gen(function* () {
            if (ended !== undefined) return yield* ended
            reader.expect(line)
            waiting.push(deferred)
            yield* channel.write(encoder.encode(line + terminator))
          })
        )
        return yield* Deferred.await(deferred)
      })

    const command = (line: string) =>
      Effect.flatMap(send(line), (response) =>
        response.final._tag === "Ok"
          ? Effect.succeed(response.lines)
          : Effect.fail(new CommandFailed({ line, response }))
      )

    return { send, command, unsolicited: Effect.sync(() => [...unsolicited]) }
  })
