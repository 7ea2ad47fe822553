import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Result } from "effect"

export const hex = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return out
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

/** The success of a Result, or a thrown error naming the failure (tests only). */
export const ok = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isSuccess(result)) return result.success
  throw new Error(`expected success, got ${JSON.stringify(result.failure)}`)
}

/** The failure of a Result, or a thrown error (tests only). */
export const err = <A, E>(result: Result.Result<A, E>): E => {
  if (Result.isFailure(result)) return result.failure
  throw new Error("expected a failure, got a success")
}

/** A deterministic byte source (xorshift32), for keys in tests. */
export const seededBytes = (seed: number) => {
  let state = seed >>> 0 || 1
  return (length: number): Uint8Array => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      out[i] = state & 0xff
    }
    return out
  }
}

let opensslChecked = false

const requireOpenssl = () => {
  if (opensslChecked) return
  try {
    execFileSync("openssl", ["version"], { stdio: "pipe" })
  } catch {
    throw new Error(
      "These interoperability tests need the `openssl` command line tool, which was not found on PATH. " +
        "Install it (e.g. `apt-get install openssl`); CI installs it."
    )
  }
  opensslChecked = true
}

/** A scratch directory for `openssl` runs. */
export interface OpensslDir {
  readonly path: (name: string) => string
  /** Runs `openssl` with the arguments (file names relative to the directory); returns stdout. */
  readonly run: (...args: ReadonlyArray<string>) => Buffer
  readonly read: (name: string) => Buffer
  readonly text: (name: string) => string
  readonly write: (name: string, data: string | Uint8Array) => void
  readonly remove: () => void
}

export const opensslDir = (): OpensslDir => {
  requireOpenssl()
  const dir = mkdtempSync(join(tmpdir(), "jwt-core-"))
  const path = (name: string) => join(dir, name)
  return {
    path,
    run: (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] }),
    read: (name) => readFileSync(path(name)),
    text: (name) => readFileSync(path(name), "utf8"),
    write: (name, data) => writeFileSync(path(name), data),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
