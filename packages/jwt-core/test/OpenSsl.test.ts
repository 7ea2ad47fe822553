/**
 * Interoperability with OpenSSL: keys that `openssl` writes in every supported form load, and signatures made
 * with them verify with `openssl dgst` and `node:crypto`; keys we write load in `openssl`. Needs the `openssl`
 * command (the tests fail with a clear message without it).
 */
import * as NodeCrypto from "node:crypto"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { sha256 } from "@noble/hashes/sha2.js"
import { Base64Url, Der, Jwt, Key, Signer, Verify } from "../src/index.ts"
import { err, type OpensslDir, ok, opensslDir, toHex, utf8 } from "./helpers.ts"

const PASSWORD = "correct horse battery staple"

let dir: OpensslDir

beforeAll(() => {
  dir = opensslDir()
  const run = dir.run
  run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem")
  run("ec", "-in", "sec1.pem", "-outform", "DER", "-out", "sec1.der")
  run("ec", "-in", "sec1.pem", "-pubout", "-out", "pub.pem")
  run("ec", "-in", "sec1.pem", "-pubout", "-outform", "DER", "-out", "pub.der")
  run("pkcs8", "-topk8", "-nocrypt", "-in", "sec1.pem", "-out", "pkcs8.pem")
  run("pkcs8", "-topk8", "-nocrypt", "-in", "sec1.pem", "-outform", "DER", "-out", "pkcs8.der")
  const pass = `pass:${PASSWORD}`
  run("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "sec1.pem", "-passout", pass, "-out", "enc-aes256.pem")
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-256-cbc",
    "-v2prf",
    "hmacWithSHA256",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-out",
    "enc-aes256-sha256.pem"
  )
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-256-cbc",
    "-v2prf",
    "hmacWithSHA1",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-out",
    "enc-aes256-sha1.pem"
  )
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-256-cbc",
    "-v2prf",
    "hmacWithSHA512",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-out",
    "enc-aes256-sha512.pem"
  )
  run("pkcs8", "-topk8", "-v2", "aes-192-cbc", "-in", "sec1.pem", "-passout", pass, "-out", "enc-aes192.pem")
  run("pkcs8", "-topk8", "-v2", "aes-128-cbc", "-in", "sec1.pem", "-passout", pass, "-out", "enc-aes128.pem")
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-128-cbc",
    "-v2prf",
    "hmacWithSHA1",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-out",
    "enc-aes128-sha1.pem"
  )
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-256-cbc",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-outform",
    "DER",
    "-out",
    "enc-aes256.der"
  )
  dir.write("sec1-crlf.pem", dir.text("sec1.pem").replaceAll("\n", "\r\n"))
  dir.write("enc-crlf.pem", `  \r\n${dir.text("enc-aes256.pem").replaceAll("\n", "\r\n")}\r\n`)
  run("req", "-new", "-x509", "-key", "sec1.pem", "-subj", "/CN=jwt-core", "-days", "1", "-out", "cert.pem")
  run("x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der")
  // Other keys for the ones that must be refused.
  run("ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1-with-params.pem")
  run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "genpkey.pem")
  run("ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1-sec1.pem")
  run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "k1-pkcs8.pem")
  run("ec", "-in", "k1-sec1.pem", "-pubout", "-out", "k1-pub.pem")
  run("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.pem")
  run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-param_enc", "explicit", "-out", "explicit.pem")
  run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.pem")
  run("pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa-pub.pem")
  run("pkey", "-in", "rsa.pem", "-traditional", "-out", "rsa-traditional.pem")
  run("genpkey", "-algorithm", "ED25519", "-out", "ed25519.pem")
  run("ec", "-in", "sec1.pem", "-aes256", "-passout", pass, "-out", "legacy-encrypted.pem")
  run("pkcs8", "-topk8", "-v2", "des3", "-in", "sec1.pem", "-passout", pass, "-out", "enc-des3.pem")
  run("pkcs8", "-topk8", "-scrypt", "-in", "sec1.pem", "-passout", pass, "-out", "enc-scrypt.pem")
  run("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", "sec1.pem", "-passout", pass, "-out", "enc-pbes1.pem")
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-256-cbc",
    "-iter",
    "100001",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-out",
    "enc-many-iterations.pem"
  )
  run(
    "pkcs8",
    "-topk8",
    "-v2",
    "aes-256-cbc",
    "-iter",
    "1",
    "-in",
    "sec1.pem",
    "-passout",
    pass,
    "-out",
    "enc-one-iteration.pem"
  )
})

afterAll(() => dir?.remove())

const PRIVATE_FORMS = [
  "sec1.pem",
  "sec1.der",
  "sec1-crlf.pem",
  "pkcs8.pem",
  "pkcs8.der",
  "enc-aes256.pem",
  "enc-aes256-sha256.pem",
  "enc-aes256-sha1.pem",
  "enc-aes256-sha512.pem",
  "enc-aes192.pem",
  "enc-aes128.pem",
  "enc-aes128-sha1.pem",
  "enc-aes256.der",
  "enc-crlf.pem",
  "enc-one-iteration.pem"
]

const load = (name: string): string | Uint8Array =>
  name.endsWith(".der") ? new Uint8Array(dir.read(name)) : dir.text(name)

const opensslVerifies = (message: Uint8Array, raw: Uint8Array, publicKeyFile: string): boolean => {
  dir.write("message.bin", message)
  dir.write("signature.der", Der.signatureToDer(raw))
  try {
    const out = dir.run("dgst", "-sha256", "-verify", publicKeyFile, "-signature", "signature.der", "message.bin")
    return out.toString().includes("Verified OK")
  } catch {
    return false
  }
}

const nodeVerifies = (message: Uint8Array, raw: Uint8Array, publicKeyPem: string): boolean =>
  NodeCrypto.verify("sha256", message, { key: publicKeyPem, dsaEncoding: "ieee-p1363" }, raw)

describe("keys written by openssl", () => {
  it("every private form loads as the same key as `openssl ec -pubout` shows", () => {
    const expected = ok(Key.parsePublicKey(dir.text("pub.pem")))
    for (const name of PRIVATE_FORMS) {
      const key = ok(Key.parsePrivateKey(load(name), { password: PASSWORD }))
      assert.isTrue(Key.equals(key.publicKey, expected), name)
      const asBytes = ok(Key.parsePrivateKey(new Uint8Array(dir.read(name)), { password: PASSWORD }))
      assert.isTrue(Key.equals(asBytes.publicKey, expected), `${name} as bytes`)
    }
  })

  it("keys with an EC PARAMETERS block and from genpkey load", () => {
    for (const name of ["sec1-with-params.pem", "genpkey.pem"]) {
      dir.run("pkey", "-in", name, "-pubout", "-out", `${name}.pub`)
      const key = ok(Key.parsePrivateKey(dir.text(name)))
      assert.strictEqual(Key.spkiPem(key.publicKey), dir.text(`${name}.pub`), name)
    }
  })

  it("public keys load from SPKI PEM and DER and from a certificate (PEM and DER)", () => {
    const expected = ok(Key.parsePublicKey(dir.text("pub.pem")))
    for (const input of [
      new Uint8Array(dir.read("pub.der")),
      dir.text("cert.pem"),
      new Uint8Array(dir.read("cert.der"))
    ]) {
      assert.isTrue(Key.equals(ok(Key.parsePublicKey(input)), expected))
    }
  })

  it("signatures from every loaded form verify with `openssl dgst -verify` and node:crypto, with both signers", () => {
    const publicPem = dir.text("pub.pem")
    for (const name of PRIVATE_FORMS) {
      const key = ok(Key.parsePrivateKey(load(name), { password: PASSWORD }))
      const message = utf8(`a message signed with ${name}`)
      for (const signer of [Signer.noble, Signer.native]) {
        const signature = ok(signer.sign(key, message))
        assert.strictEqual(signature.length, 64)
        assert.isTrue(opensslVerifies(message, signature, "pub.pem"), `${signer.name} ${name} openssl`)
        assert.isTrue(nodeVerifies(message, signature, publicPem), `${signer.name} ${name} node:crypto`)
      }
    }
  })

  it("a tampered signature is refused by openssl (the check can fail)", () => {
    const key = ok(Key.parsePrivateKey(dir.text("sec1.pem")))
    const message = utf8("tamper")
    const signature = ok(Signer.noble.sign(key, message))
    signature[10] = signature[10]! ^ 1
    assert.isFalse(opensslVerifies(message, signature, "pub.pem"))
  })

  it("tokens signed by `openssl dgst -sign` verify with ours", () => {
    const key = ok(Key.parsePrivateKey(dir.text("sec1.pem")))
    const claims = Jwt.modemClaims({ chip: "nRF9160", deviceUuid: "d", firmwareUuid: "f", nonce: "ab".repeat(16) })
    for (let i = 0; i < 5; i++) {
      const input = `${Jwt.headerSegment(key.publicKey)}.${Base64Url.encode(Jwt.payloadBytes({ ...claims, iat: i }))}`
      dir.write("input.txt", input)
      dir.run("dgst", "-sha256", "-sign", "sec1.pem", "-out", "openssl.sig", "input.txt")
      const raw = ok(Der.signatureFromDer(new Uint8Array(dir.read("openssl.sig"))))
      const token = `${input}.${Base64Url.encode(raw)}`
      assert.isTrue(Verify.verifySignature(utf8(input), raw, key.publicKey))
      ok(Verify.verify(token, dir.text("pub.pem")))
    }
  })

  it("kid is the SHA-256 of the SPKI DER openssl writes", () => {
    const key = ok(Key.parsePrivateKey(dir.text("pkcs8.pem")))
    assert.strictEqual(Key.kid(key.publicKey), toHex(sha256(dir.read("pub.der"))))
    assert.strictEqual(toHex(Key.spkiDer(key.publicKey)), toHex(dir.read("pub.der")))
  })
})

describe("keys we write, read by openssl", () => {
  it("PKCS#8, SEC1 and SPKI exports are byte-identical to openssl's for the same key", () => {
    const key = ok(Key.parsePrivateKey(dir.text("sec1.pem")))
    assert.strictEqual(Key.pkcs8Pem(key), dir.text("pkcs8.pem"))
    assert.strictEqual(toHex(Key.pkcs8Der(key)), toHex(dir.read("pkcs8.der")))
    dir.run("ec", "-in", "sec1.pem", "-out", "sec1-ec.pem")
    assert.strictEqual(Key.sec1Pem(key), dir.text("sec1-ec.pem"))
    assert.strictEqual(toHex(Key.sec1Der(key)), toHex(dir.read("sec1.der")))
    assert.strictEqual(Key.spkiPem(key.publicKey), dir.text("pub.pem"))
  })

  it("openssl loads a generated key's PKCS#8 PEM and derives the same public key", () => {
    const key = Key.generatePrivateKey((n) => NodeCrypto.randomBytes(n))
    dir.write("ours.pem", Key.pkcs8Pem(key))
    dir.run("pkey", "-in", "ours.pem", "-pubout", "-out", "ours.pub")
    dir.run("ec", "-in", "ours.pem", "-check", "-noout")
    assert.strictEqual(dir.text("ours.pub"), Key.spkiPem(key.publicKey))
  })
})

describe("keys that must be refused", () => {
  it("an encrypted key without a password (or an empty one) needs a password", () => {
    for (const name of ["enc-aes256.pem", "enc-aes128.pem", "enc-aes256.der"]) {
      assert.strictEqual(err(Key.parsePrivateKey(load(name)))._tag, "EncryptedKeyNeedsPassword")
      assert.strictEqual(err(Key.parsePrivateKey(load(name), { password: "" }))._tag, "EncryptedKeyNeedsPassword")
    }
  })

  it("a wrong password is WrongPassword", () => {
    for (const name of [
      "enc-aes256.pem",
      "enc-aes256-sha1.pem",
      "enc-aes192.pem",
      "enc-aes128.pem",
      "enc-aes256.der"
    ]) {
      for (const password of ["wrong", `${PASSWORD} `, PASSWORD.toUpperCase(), "x".repeat(200)]) {
        assert.strictEqual(
          err(Key.parsePrivateKey(load(name), { password }))._tag,
          "WrongPassword",
          `${name} ${password}`
        )
      }
    }
  })

  it("secp256k1, P-384 and explicit curve parameters are WrongCurve", () => {
    for (const name of ["k1-sec1.pem", "k1-pkcs8.pem", "p384.pem", "explicit.pem"]) {
      const failure = err(Key.parsePrivateKey(dir.text(name)))
      assert.strictEqual(failure._tag, "WrongCurve", name)
    }
    assert.match(err(Key.parsePrivateKey(dir.text("k1-sec1.pem"))).reason, /secp256k1/)
    assert.strictEqual(err(Key.parsePublicKey(dir.text("k1-pub.pem")))._tag, "WrongCurve")
  })

  it("RSA and Ed25519 keys are UnsupportedKeyType", () => {
    for (const name of ["rsa.pem", "rsa-traditional.pem", "ed25519.pem"]) {
      assert.strictEqual(err(Key.parsePrivateKey(dir.text(name)))._tag, "UnsupportedKeyType", name)
    }
    assert.match(err(Key.parsePrivateKey(dir.text("rsa.pem"))).reason, /^RSA keys are not supported/)
    assert.match(err(Key.parsePrivateKey(dir.text("ed25519.pem"))).reason, /^Ed25519/)
    assert.strictEqual(err(Key.parsePublicKey(dir.text("rsa-pub.pem")))._tag, "UnsupportedKeyType")
  })

  it("legacy PEM encryption, PBES1, scrypt, 3DES and over 100,000 iterations are UnsupportedEncryption", () => {
    for (const name of [
      "legacy-encrypted.pem",
      "enc-des3.pem",
      "enc-scrypt.pem",
      "enc-pbes1.pem",
      "enc-many-iterations.pem"
    ]) {
      assert.strictEqual(
        err(Key.parsePrivateKey(dir.text(name), { password: PASSWORD }))._tag,
        "UnsupportedEncryption",
        name
      )
    }
  })

  it("truncated openssl DER is MalformedDer", () => {
    for (const name of ["pkcs8.der", "sec1.der", "enc-aes256.der"]) {
      const der = new Uint8Array(dir.read(name))
      assert.strictEqual(
        err(Key.parsePrivateKey(der.subarray(0, der.length - 10), { password: PASSWORD }))._tag,
        "MalformedDer",
        name
      )
    }
  })
})
