/** The pure pieces: targets, request lines, CME meanings, credential lines and comparison, silence reports. */
import { CommandParser } from "@atmodem/at-protocol"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { normalize, skippedNote } from "../src/commands/At.ts"
import { requestLine as attestLine } from "../src/commands/Attest.ts"
import { answerValue, fieldValue } from "../src/commands/Identity.ts"
import { requestLine as jwtLine } from "../src/commands/Jwt.ts"
import { requestLine as keygenLine } from "../src/commands/Keygen.ts"
import { carriesSecret, historyPath } from "../src/commands/Shell.ts"
import { Cme, Connection, Credentials, Root, Target } from "../src/index.ts"

const parsed = (text: string) => Result.getOrThrow(Target.parse(text))
const refused = (text: string) => {
  const result = Target.parse(text)
  assert.isTrue(Result.isFailure(result), text)
  return Result.isFailure(result) ? result.failure.reason : ""
}

describe("Target", () => {
  it("parses every form", () => {
    assert.deepStrictEqual(parsed("tcp://127.0.0.1:7777"), { _tag: "Tcp", host: "127.0.0.1", port: 7777 })
    assert.deepStrictEqual(parsed("tcp://[::1]:8000"), { _tag: "Tcp", host: "::1", port: 8000 })
    assert.deepStrictEqual(parsed("TCP://modem.local"), { _tag: "Tcp", host: "modem.local", port: 7777 })
    assert.deepStrictEqual(parsed("localhost:7000"), { _tag: "Tcp", host: "localhost", port: 7000 })
    assert.deepStrictEqual(parsed("ws://127.0.0.1:7778/"), { _tag: "WebSocket", url: "ws://127.0.0.1:7778/" })
    assert.deepStrictEqual(parsed("wss://example.com/at"), { _tag: "WebSocket", url: "wss://example.com/at" })
    assert.deepStrictEqual(parsed("serial:/dev/ttyACM0"), {
      _tag: "Serial",
      path: "/dev/ttyACM0",
      baudRate: undefined,
      flowControl: undefined
    })
    assert.deepStrictEqual(parsed("serial:/dev/ttyUSB1?baud=9600&flow=rtscts"), {
      _tag: "Serial",
      path: "/dev/ttyUSB1",
      baudRate: 9600,
      flowControl: "rtscts"
    })
    assert.deepStrictEqual(parsed("/dev/ttyACM0"), { ...parsed("serial:/dev/ttyACM0") })
    assert.strictEqual(parsed("./ttyNRF")._tag, "Serial")
    assert.strictEqual(parsed("COM3")._tag, "Serial")
    assert.deepStrictEqual(parsed("sim:"), { _tag: "Sim", stateDir: undefined, profile: undefined, seed: undefined })
    assert.deepStrictEqual(parsed("sim"), parsed("sim:"))
    assert.deepStrictEqual(parsed("sim:/var/lib/atmodem?profile=nrf9151&seed=x"), {
      _tag: "Sim",
      stateDir: "/var/lib/atmodem",
      profile: "nrf9151",
      seed: "x"
    })
  })

  it("refuses what it cannot use, saying what would work", () => {
    assert.include(refused("bogus"), "tcp://HOST:PORT")
    assert.include(refused(""), "empty")
    assert.include(refused("tcp://host:0"), "1 to 65535")
    assert.include(refused("tcp://host:99999"), "1 to 65535")
    assert.include(refused("serial:"), "names no device")
    assert.include(refused("serial:/dev/x?speed=1"), 'unknown serial option "speed"')
    assert.include(refused("sim:?profile=nrf9999"), 'unknown profile preset "nrf9999" (known: nrf9160, nrf9151)')
    assert.include(refused("sim:./state?profile=NRF9160"), 'unknown profile preset "NRF9160"')
    assert.include(refused("serial:/dev/x?baud=fast"), "not a positive integer")
    assert.include(refused("serial:/dev/x?flow=xon"), "none, rtscts")
    assert.include(refused("sim:/x?colour=red"), 'unknown sim option "colour"')
  })

  it("round-trips TCP host and port through describe", () =>
    fc.assert(
      fc.property(fc.domain(), fc.integer({ min: 1, max: 65535 }), (host, port) => {
        const target = parsed(`tcp://${host}:${port}`)
        assert.deepStrictEqual(target, { _tag: "Tcp", host, port })
        assert.deepStrictEqual(parsed(Target.describe(target)), target)
      })
    ))

  it("checks --timeout", () => {
    assert.deepStrictEqual(Root.timeoutMillis(2.5), Result.succeed(2500))
    assert.isTrue(Result.isFailure(Root.timeoutMillis(0)))
    assert.isTrue(Result.isFailure(Root.timeoutMillis(-1)))
    assert.isTrue(Result.isFailure(Root.timeoutMillis(Number.NaN)))
  })
})

describe("request lines", () => {
  it("AT%JWT: only what was asked, and always a line the modem's grammar parses", () => {
    assert.strictEqual(jwtLine({}), "AT%JWT")
    assert.strictEqual(jwtLine({ expiresIn: 0 }), "AT%JWT=0,0")
    assert.strictEqual(jwtLine({ subject: "dev" }), 'AT%JWT=0,,"dev"')
    assert.strictEqual(jwtLine({ audience: "aud" }), 'AT%JWT=0,,,"aud"')
    assert.strictEqual(jwtLine({ expiresIn: 3600, subject: "s", audience: "a" }), 'AT%JWT=0,3600,"s","a"')
    assert.strictEqual(jwtLine({ secTag: 16842753 }), "AT%JWT=0,,,,16842753,2")
    assert.strictEqual(jwtLine({ secTag: 7, keyType: 8, subject: "s" }), 'AT%JWT=0,,"s",,7,8')
    fc.assert(
      fc.property(
        fc.record({
          subject: fc.option(
            fc.string().filter((s) => !s.includes('"')),
            { nil: undefined }
          ),
          audience: fc.option(
            fc.string().filter((s) => !s.includes('"')),
            { nil: undefined }
          ),
          expiresIn: fc.option(fc.nat(), { nil: undefined }),
          secTag: fc.option(fc.nat(), { nil: undefined })
        }),
        (request) => {
          const line = jwtLine(request)
          const commands = Result.getOrThrow(CommandParser.parseLine(line))
          assert.strictEqual(commands[0]?.name, "%JWT")
        }
      )
    )
  })

  it("AT%KEYGEN and AT%ATTESTTOKEN", () => {
    assert.strictEqual(keygenLine({ secTag: 42, keyType: 2, publicKeyOnly: false }), "AT%KEYGEN=42,2,0")
    assert.strictEqual(
      keygenLine({ secTag: 42, keyType: 2, publicKeyOnly: true, attributes: "O=Acme,C=NO" }),
      'AT%KEYGEN=42,2,1,"O=Acme,C=NO"'
    )
    assert.strictEqual(attestLine(undefined), "AT%ATTESTTOKEN")
    assert.strictEqual(attestLine("00ff"), 'AT%ATTESTTOKEN="00ff"')
  })

  it("at: adds AT when missing", () => {
    assert.strictEqual(normalize("+CGMI"), "AT+CGMI")
    assert.strictEqual(normalize(" at+cgmi "), "at+cgmi")
    assert.strictEqual(normalize("E0"), "ATE0")
  })
})

describe("answers", () => {
  it("CME codes with their meaning", () => {
    assert.strictEqual(Cme.describeFinal({ _tag: "CmeError", code: 513 }), "+CME ERROR: 513 — not found")
    assert.strictEqual(Cme.describeFinal({ _tag: "CmeError", code: 999 }), "+CME ERROR: 999")
    assert.strictEqual(Cme.describeFinal({ _tag: "Error" }), "ERROR")
    assert.deepStrictEqual(Cme.finalJson({ _tag: "CmeError", code: 518 }), {
      result: "CME ERROR",
      code: 518,
      meaning: "not allowed in active state"
    })
    for (const code of [50, 51, 513, 514, 515, 518, 519, 523, 525, 527, 528]) assert.isDefined(Cme.meaning(code))
  })

  it("identity values: last non-empty line, prefix and quotes removed", () => {
    assert.strictEqual(answerValue(["352656100367872"]), "352656100367872")
    assert.strictEqual(answerValue(["%XMODEMUUID: f72d9789-2e73"]), "f72d9789-2e73")
    assert.strictEqual(answerValue(['+CGSN: "352656100367872"', ""]), "352656100367872")
    assert.strictEqual(answerValue([]), undefined)
  })

  it("identity fields must have their shape: IMEI 15 digits, UUIDs, the % commands' own prefix", () => {
    assert.deepStrictEqual(fieldValue("imei", ["352656102382614"]), { value: "352656102382614" })
    assert.deepStrictEqual(fieldValue("imei", ['+CGSN: "352656102382614"']), { value: "352656102382614" })
    assert.deepStrictEqual(fieldValue("imei", ["hello world"]), {
      problem: 'AT+CGSN answered "hello world", not an IMEI (15 digits)'
    })
    assert.deepStrictEqual(fieldValue("imei", ["35265610238261"]), {
      problem: 'AT+CGSN answered "35265610238261", not an IMEI (15 digits)'
    })
    assert.strictEqual(fieldValue("imei", []), undefined)
    const uuid = "f72d9789-2e73-4780-9248-b3952f89b872"
    assert.deepStrictEqual(fieldValue("firmwareUuid", [`%XMODEMUUID: ${uuid}`]), { value: uuid })
    assert.isTrue("problem" in fieldValue("firmwareUuid", [uuid])!, "the prefix is required")
    assert.isTrue("problem" in fieldValue("deviceUuid", ["%DEVICEUUID: not-a-uuid"])!)
    assert.deepStrictEqual(fieldValue("revision", ["mfw_nrf91x1_2.0.2"]), { value: "mfw_nrf91x1_2.0.2" })
    assert.isTrue("problem" in fieldValue("revision", ["hello world"])!)
    assert.deepStrictEqual(fieldValue("hardwareVersion", ["%HWVERSION: nRF9160 SICA B0A"]), {
      value: "nRF9160 SICA B0A"
    })
    assert.isTrue("problem" in fieldValue("shortSoftwareVersion", ["hello world"])!)
    assert.deepStrictEqual(fieldValue("manufacturer", ["Nordic Semiconductor ASA"]), {
      value: "Nordic Semiconductor ASA"
    })
    assert.isTrue("problem" in fieldValue("model", ["\u0000\u0001"])!)
  })

  it("at: the lines not sent after a failure are counted", () => {
    assert.strictEqual(skippedNote(1), "skipped 1 remaining line after the failure (not sent)")
    assert.strictEqual(skippedNote(3), "skipped 3 remaining lines after the failure (not sent)")
  })

  it("a sim: state directory held by a running simulator: connect to it instead", () => {
    const held = Connection.describeSimFailure("./state", "state directory ./state is in use by process 42")
    assert.include(held, "cannot start the simulated modem: state directory ./state is in use by process 42")
    assert.include(held, "connect to that simulator instead with --port tcp://HOST:PORT")
    assert.include(held, "or stop it first")
    assert.strictEqual(
      Connection.describeSimFailure("./state", "identity file broken"),
      "cannot start the simulated modem: identity file broken"
    )
  })

  it("serial under Bun or Deno: run the CLI with Node, or use a TCP bridge (atmodem has no --pty)", () => {
    const message = Connection.describeSerialUnsupported("Deno", "/dev/ttyACM0")
    assert.include(message, "cannot open serial /dev/ttyACM0: the serial transport needs Node")
    assert.include(message, "does not load under Deno")
    assert.include(message, "--port tcp://HOST:PORT")
    assert.notInclude(message, "--pty")
  })

  it("history file: $ATMODEM_HISTORY, else ~/.atmodem_history; empty turns it off", () => {
    assert.strictEqual(historyPath({ HOME: "/home/u" }), "/home/u/.atmodem_history")
    assert.strictEqual(historyPath({ HOME: "/home/u", ATMODEM_HISTORY: "/tmp/h" }), "/tmp/h")
    assert.strictEqual(historyPath({ HOME: "/home/u", ATMODEM_HISTORY: "" }), undefined)
    assert.strictEqual(historyPath({}), undefined)
  })
})

describe("Credentials", () => {
  it("parses types, sec_tags and %CMNG lines", () => {
    assert.deepStrictEqual(Credentials.parseType("client-key"), Result.succeed(2))
    assert.deepStrictEqual(Credentials.parseType("11"), Result.succeed(11))
    assert.isTrue(Result.isFailure(Credentials.parseType("12")))
    assert.isTrue(Result.isFailure(Credentials.parseType("cert-chain")))
    assert.deepStrictEqual(Credentials.parseSecTag("4294967295"), Result.succeed(4294967295))
    assert.isTrue(Result.isFailure(Credentials.parseSecTag("4294967296")))
    assert.isTrue(Result.isFailure(Credentials.parseSecTag("-1")))
    assert.deepStrictEqual(Credentials.parseListLine('%CMNG: 16842753,2,"ab01"'), {
      secTag: 16842753,
      type: 2,
      sha256: "AB01"
    })
    assert.strictEqual(Credentials.parseListLine("OK"), undefined)
    assert.deepStrictEqual(Credentials.parseReadLine('%CMNG: 1,0,"AB","line1\r\nline2\r\n"'), {
      secTag: 1,
      type: 0,
      sha256: "AB",
      content: "line1\r\nline2\r\n"
    })
  })

  it("the uppercase SHA-256 of the exact content", () => {
    // The FIPS 180-2 vector for "abc", in uppercase as the modem lists it.
    assert.strictEqual(Credentials.sha256("abc"), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
  })

  const pemLike = fc
    .array(fc.stringMatching(/^[A-Za-z0-9+/=-]{1,64}$/), { minLength: 2, maxLength: 8 })
    .map((lines) => lines.join("\n"))

  it("a file with other line endings (or final line end) is told apart from a different one", () =>
    fc.assert(
      fc.property(pemLike, fc.boolean(), fc.boolean(), fc.boolean(), (body, crlf, modemFinal, fileFinal) => {
        const modem = (crlf ? body.replace(/\n/g, "\r\n") : body) + (modemFinal ? (crlf ? "\r\n" : "\n") : "")
        const file = (crlf ? body : body.replace(/\n/g, "\r\n")) + (fileFinal ? (crlf ? "\n" : "\r\n") : "")
        const comparison = Credentials.compare(Credentials.sha256(modem), file)
        assert.strictEqual(comparison._tag, "LineEndingsOnly")
        assert.strictEqual(Credentials.compare(Credentials.sha256(modem), modem)._tag, "Same")
        assert.strictEqual(Credentials.compare(Credentials.sha256(modem), `${file}x`)._tag, "Different")
      })
    ))

  it("describes line endings", () => {
    assert.deepStrictEqual(Credentials.lineEnds("a\r\nb\r\n"), { style: "CRLF", final: true })
    assert.deepStrictEqual(Credentials.lineEnds("a\nb"), { style: "LF", final: false })
    assert.deepStrictEqual(Credentials.lineEnds("a\nb\r\n"), { style: "mixed", final: true })
    assert.strictEqual(
      Credentials.describeLineEnds({ style: "CRLF", final: false }),
      "CRLF line ends without a final line end"
    )
  })
})

describe("Connection.describeSilence", () => {
  const base = { line: "AT+CGMI", description: "serial /dev/ttyACM0", timeoutMillis: 2000 }
  const encode = (text: string) => new TextEncoder().encode(text)

  it("says what arrived instead of an answer", () => {
    assert.strictEqual(
      Connection.describeSilence({ ...base, received: new Uint8Array(0), serial: true }),
      "no answer to AT+CGMI from serial /dev/ttyACM0 within 2 s: nothing was received (is this the modem's AT port, at the right baud rate?)"
    )
    assert.include(
      Connection.describeSilence({ ...base, received: new Uint8Array([0, 0xff, 0x13, 0]), serial: true }),
      "received 4 bytes that are not AT text (00 ff 13 00); wrong baud rate?"
    )
    assert.include(
      Connection.describeSilence({ ...base, received: encode("OK"), serial: false }),
      'received half a line without a line end: "OK"'
    )
    assert.include(
      Connection.describeSilence({ ...base, received: encode("Nordic\r\nO"), serial: false }),
      "the last line is incomplete"
    )
    assert.include(
      Connection.describeSilence({ ...base, received: encode("Nordic\r\n"), serial: false }),
      'received lines but no final result (OK, ERROR, +CME ERROR): "Nordic\\r\\n"'
    )
  })

  it("never fails, whatever the bytes", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (received, serial) => {
        assert.match(Connection.describeSilence({ ...base, received, serial }), /^no answer to AT\+CGMI/)
      })
    ))
})

describe("shell history", () => {
  it("leaves credential writes (PSKs, keys, passwords) out of the history file", () => {
    assert.isTrue(carriesSecret('AT%CMNG=0,42,3,"000102"'))
    assert.isTrue(carriesSecret('at%cmng = 0 ,42,2,"-----BEGIN PRIVATE KEY-----","secret"'))
    assert.isFalse(carriesSecret("AT%CMNG=1,42"))
    assert.isFalse(carriesSecret("AT%CMNG=2,42,0"))
    assert.isFalse(carriesSecret('AT%JWT=0,3600,"sub"'))
  })
})
