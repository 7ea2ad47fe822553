/**
 * Throughput of the grammar on a realistic mixed stream: short commands (AT+CGSN, AT%JWT=..., AT+CFUN?) and
 * multi-kilobyte %CMNG writes whose PEM contents have CRLF inside quotes.
 *
 * The reference is a plain `TextDecoder` + `split("\r\n")` of the same bytes. It does not parse and it is wrong
 * for the PEM writes (it cuts them at every inner CRLF), so it is a floor on the cost of looking at the bytes at
 * all, not an alternative implementation. Rows report commands/s (one op = one command) and MB/s.
 */
import { Result } from "effect"
import { runTable } from "../../../tooling/bench.ts"
import { CommandParser, Framer, ResponseReader, ResponseWriter } from "../src/index.ts"

const pem = (label: string, bodyBytes: number): string => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  const lines: Array<string> = []
  let body = ""
  for (let i = 0; i < bodyBytes; i++) {
    body += alphabet[(i * 7 + 3) % 64]
    if (body.length === 64) {
      lines.push(body)
      body = ""
    }
  }
  if (body.length > 0) lines.push(body)
  return `-----BEGIN ${label}-----\r\n${lines.join("\r\n")}\r\n-----END ${label}-----\r\n`
}

const cert = pem("CERTIFICATE", 2800)
const key = pem("PRIVATE KEY", 180)

const block = [
  "AT+CGSN",
  "AT+CFUN?",
  'AT%JWT=0,3600,"sub","aud"',
  "AT+CMEE=1",
  "AT%CMNG=1",
  `AT%CMNG=0,16842753,0,"${cert}"`,
  "AT+CGSN=1",
  `AT%CMNG=0,16842753,2,"${key}"`,
  'AT%JWT=0,300,"nrf-352656106108148",,16842753,2',
  "AT+CFUN=4;%CMNG=1"
]
const blocks = 40
const text = Array.from({ length: blocks }, () => block.map((line) => `${line}\r\n`).join("")).join("")
const stream = new TextEncoder().encode(text)
const commands = blocks * 11 // the last line of a block holds two commands
const perCommand = stream.length / commands

const chunks = (size: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < stream.length; i += size) out.push(stream.subarray(i, i + size))
  return out
}
const small = chunks(64)
const serial = chunks(1024)

// Sanity: the framer + parser see every command, and the baseline really does cut the PEM writes apart.
let sink = 0
const frameAndParse = (input: ReadonlyArray<Uint8Array>): number => {
  const framer = Framer.make()
  let n = 0
  for (const chunk of input) {
    for (const frame of framer.push(chunk)) {
      if (frame._tag !== "Line") continue
      const parsed = CommandParser.parseLine(frame.line)
      if (Result.isSuccess(parsed)) n += parsed.success.length
    }
  }
  return n
}
if (frameAndParse([stream]) !== commands || frameAndParse(small) !== commands)
  throw new Error("bench stream mis-parsed")

const decoder = new TextDecoder()
const splitLines = () => {
  sink += decoder.decode(stream).split("\r\n").length
}
const frameOnly = (input: ReadonlyArray<Uint8Array>) => () => {
  const framer = Framer.make()
  for (const chunk of input) sink += framer.push(chunk).length
}
const frameParse = (input: ReadonlyArray<Uint8Array>) => () => {
  sink += frameAndParse(input)
}

await runTable(
  `Modem side: ${(stream.length / 1024).toFixed(0)} KiB, ${commands} commands (${blocks * 2} multi-KiB %CMNG writes), ops = commands`,
  {
    reference: {
      name: "baseline: decode + split(\\r\\n), no parse",
      run: splitLines,
      opsPerCall: commands,
      bytesPerOp: perCommand
    },
    cases: [
      { name: "framer only, one chunk", run: frameOnly([stream]), opsPerCall: commands, bytesPerOp: perCommand },
      { name: "framer only, 64-byte chunks", run: frameOnly(small), opsPerCall: commands, bytesPerOp: perCommand },
      { name: "framer + parser, one chunk", run: frameParse([stream]), opsPerCall: commands, bytesPerOp: perCommand },
      { name: "framer + parser, 1 KiB chunks", run: frameParse(serial), opsPerCall: commands, bytesPerOp: perCommand },
      { name: "framer + parser, 64-byte chunks", run: frameParse(small), opsPerCall: commands, bytesPerOp: perCommand }
    ],
    unit: "commands/s"
  }
)

// Host side: the responses a modem would send for the same kind of session, read back by the ResponseReader.
const responseBlock = [
  ResponseWriter.formatResponse(["352656106108148"], ResponseWriter.ok, 1),
  ResponseWriter.formatResponse(["+CFUN: 4"], ResponseWriter.ok, 1),
  ResponseWriter.formatResponse([`%JWT: "${"eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9".repeat(8)}"`], ResponseWriter.ok, 1),
  ResponseWriter.formatResponse(
    [
      ResponseWriter.informationLine("%CMNG", [
        16842753,
        0,
        "2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1",
        cert
      ])
    ],
    ResponseWriter.ok,
    1
  ),
  ResponseWriter.formatResponse([], ResponseWriter.cmeError(513), 1)
]
const responseText = Array.from({ length: blocks }, () => responseBlock.join("")).join("")
const responses = new TextEncoder().encode(responseText)
const responseCount = blocks * responseBlock.length
const responseChunks: Array<Uint8Array> = []
for (let i = 0; i < responses.length; i += 1024) responseChunks.push(responses.subarray(i, i + 1024))

const read = () => {
  const reader = ResponseReader.make()
  for (let i = 0; i < responseCount; i++) reader.expect()
  for (const chunk of responseChunks) sink += reader.push(chunk).length
}
{
  const reader = ResponseReader.make()
  for (let i = 0; i < responseCount; i++) reader.expect()
  const events = responseChunks.flatMap((chunk) => reader.push(chunk))
  if (events.length !== responseCount || events.some((e) => e._tag !== "Response"))
    throw new Error("bench responses mis-read")
}

await runTable(`Host side: ${(responses.length / 1024).toFixed(0)} KiB, ${responseCount} responses, ops = responses`, {
  reference: {
    name: "baseline: decode + split(\\r\\n), no parse",
    run: () => {
      sink += decoder.decode(responses).split("\r\n").length
    },
    opsPerCall: responseCount,
    bytesPerOp: responses.length / responseCount
  },
  cases: [
    {
      name: "response reader, 1 KiB chunks",
      run: read,
      opsPerCall: responseCount,
      bytesPerOp: responses.length / responseCount
    }
  ],
  unit: "responses/s"
})

if (sink === -1) console.log("unreachable")
