import * as BunFileSystem from "@effect/platform-bun/BunFileSystem"
import * as BunPath from "@effect/platform-bun/BunPath"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as Layer from "effect/Layer"
import { currentRuntime } from "../../../../tooling/runtime.ts"

/**
 * The platform's FileSystem and Path services: Bun's layers under Bun, Node's under Node and Deno (Deno runs
 * Node packages through its `node:` compatibility).
 */
export const platformLayer =
  currentRuntime() === "bun"
    ? Layer.mergeAll(BunFileSystem.layer, BunPath.layer)
    : Layer.mergeAll(NodeFileSystem.layer, NodePath.layer)
