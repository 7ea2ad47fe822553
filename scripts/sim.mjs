// `npm run sim`: builds the simulator and starts it. The simulator app (apps/sim) does not exist yet;
// until it does this says so and fails, rather than starting a stand-in.
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
if (!existsSync(join(root, "apps", "sim", "package.json"))) {
  process.stderr.write(
    "[atmodem] the simulator (apps/sim, atmodem-sim) is not built yet: only the AT protocol library exists so far.\n"
  )
  process.exit(1)
}
