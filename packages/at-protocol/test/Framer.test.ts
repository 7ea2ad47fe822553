import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Framer } from "../src/index.ts"
import fixtures from "./fixtures/framer.json" with { type: "json" }
import { bytes, concat, splitAt, text } from "./helpers.ts"

type Simple = { readonly line: string } | { readonly overflow: number }

const simplify = (frames: ReadonlyArray<Framer.Frame>): Array<Simple> =>
  frames.map((f) => (f._tag === "Line" ? { line: text(f.line) } : { overflow: f.discarded }))

const run = (chunks: ReadonlyArray<Uint8Array>, maxLineLength?: number): Array<Framer.Frame> => {
  const framer = Framer.make(maxLineLength === undefined ? undefined : { maxLineLength })
  return chunks.flatMap((c) => framer.push(c))
}

/** Frames as comparable data, line bytes as plain arrays. */
const plain = (frames: ReadonlyArray<Framer.Frame>) =>
  frames.map((f) => (f._tag === "Line" ? { line: Array.from(f.line) } : { overflow: f.discarded }))

describe("Framer fixtures", () => {
  for (const c of fixtures.cases) {
    const max = "maxLineLength" in c ? c.maxLineLength : undefined
    it(c.name, () => {
      assert.deepStrictEqual(simplify(run(c.chunks.map(bytes), max)), c.frames)
    })
    it(`${c.name} (byte by byte)`, () => {
      const all = concat(c.chunks.map(bytes))
      const single = Array.from(all, (b) => Uint8Array.of(b))
      // Byte by byte only differs from the fixture where a later chunk is needed to close a line.
      assert.deepStrictEqual(simplify(run(single, max)), simplify(run([all], max)))
    })
  }
})

describe("Framer limit", () => {
  const line = (n: number) => `AT%CMNG=0,1,0,"${"A".repeat(n - 16)}"`

  it("the default limit is 4096 bytes, terminator not counted", () => {
    assert.strictEqual(Framer.DEFAULT_MAX_LINE_LENGTH, 4096)
    assert.strictEqual(line(4096).length, 4096)
    assert.deepStrictEqual(simplify(run([bytes(`${line(4096)}\r\nAT\r\n`)])), [{ line: line(4096) }, { line: "AT" }])
  })

  it("4097 bytes overflow and are discarded up to the terminator", () => {
    const frames = simplify(run([bytes(`${line(4097)}\r\nAT\r\n`)]))
    assert.deepStrictEqual(frames, [{ overflow: 4097 }, { line: "AT" }])
  })

  it("an overlong line fed byte by byte never buffers more than the limit", () => {
    const framer = Framer.make()
    let most = 0
    const frames: Array<Framer.Frame> = []
    for (const b of bytes(`${line(10_000)}\r\nAT\r\n`)) {
      frames.push(...framer.push(Uint8Array.of(b)))
      most = Math.max(most, framer.buffered)
    }
    assert.strictEqual(most, 4096)
    assert.deepStrictEqual(simplify(frames), [{ overflow: 10_000 }, { line: "AT" }])
    assert.strictEqual(framer.buffered, 0)
  })

  it("an overlong PEM in one chunk is dropped as one line, quotes included", () => {
    const pem = `-----BEGIN CERTIFICATE-----\r\n${"MIIB".repeat(1200)}\r\n-----END CERTIFICATE-----`
    const cmd = `AT%CMNG=0,1,0,"${pem}"`
    const frames = simplify(run([bytes(`${cmd}\r\nAT+CGSN\r\n`)]))
    assert.deepStrictEqual(frames, [{ overflow: cmd.length }, { line: "AT+CGSN" }])
  })

  it("frames own their bytes: reusing a pushed chunk does not change them", () => {
    const framer = Framer.make()
    const chunk = bytes("AT+CGSN\r\n")
    const frames = framer.push(chunk)
    chunk.fill(0x41)
    assert.deepStrictEqual(simplify(frames), [{ line: "AT+CGSN" }])
  })

  it("buffered counts the bytes of the incomplete line", () => {
    const framer = Framer.make()
    framer.push(bytes("AT+CG"))
    assert.strictEqual(framer.buffered, 5)
    framer.push(bytes("SN\r\n"))
    assert.strictEqual(framer.buffered, 0)
  })
})

// Bytes biased towards the interesting ones: quotes, CR, LF, spaces.
const interestingByte = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0x22, 0x0d, 0x0a, 0x20, 0x41, 0x54) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) }
)
const streams = fc.array(interestingByte, { maxLength: 400 }).map((a) => Uint8Array.from(a))

describe("Framer properties", () => {
  it("the same bytes in any chunking give the same frames", () => {
    fc.assert(
      fc.property(
        streams,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        (data, cuts, max) => {
          const whole = plain(run([data], max))
          const chunked = plain(run(splitAt(data, cuts), max))
          assert.deepStrictEqual(chunked, whole)
        }
      ),
      { numRuns: 500 }
    )
  })

  it("never buffers more than the limit", () => {
    fc.assert(
      fc.property(
        streams,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        (data, cuts, max) => {
          const framer = Framer.make({ maxLineLength: max })
          for (const chunk of splitAt(data, cuts)) {
            framer.push(chunk)
            assert.isAtMost(framer.buffered, max)
          }
        }
      ),
      { numRuns: 500 }
    )
  })

  it("lines are never blank, never too long, and contain CR/LF only inside quotes", () => {
    fc.assert(
      fc.property(streams, fc.integer({ min: 1, max: 40 }), (data, max) => {
        for (const frame of run([data], max)) {
          if (frame._tag === "Overflow") {
            assert.isAbove(frame.discarded, max)
            continue
          }
          assert.isAtMost(frame.line.length, max)
          assert.isTrue(frame.line.some((b) => b !== 0x20 && b !== 0x09))
          let quoted = false
          for (const b of frame.line) {
            if (b === 0x22) quoted = !quoted
            else if (b === 0x0d || b === 0x0a) assert.isTrue(quoted)
          }
          assert.isFalse(quoted)
        }
      }),
      { numRuns: 500 }
    )
  })

  it("agrees with a direct, non-incremental reading of the framing rules", () => {
    fc.assert(
      fc.property(streams, fc.integer({ min: 1, max: 40 }), (data, max) => {
        assert.deepStrictEqual(plain(run([data], max)), reference(data, max))
      }),
      { numRuns: 500 }
    )
  })
})

/** The framing rules written as plainly as possible: split at CR/LF outside quotes, drop blank, flag long. */
const reference = (data: Uint8Array, max: number) => {
  const frames: Array<{ line: Array<number> } | { overflow: number }> = []
  let quoted = false
  let current: Array<number> = []
  for (const b of data) {
    if (!quoted && (b === 0x0d || b === 0x0a)) {
      if (current.length > max) frames.push({ overflow: current.length })
      else if (current.some((x) => x !== 0x20 && x !== 0x09)) frames.push({ line: current })
      current = []
      continue
    }
    if (b === 0x22) quoted = !quoted
    current.push(b)
  }
  return frames
}
