// Starts @20minutes/s3rver (no CLI in its npm package) on 127.0.0.1.
//   node scripts/servers/s3rver.mjs PORT DIRECTORY [BUCKET...]
// The module is loaded from <repo>/.tools/node (scripts/servers/install.sh s3rver),
// or from $S3RVER_NODE_PREFIX. Keys are s3rver's fixed ones: S3RVER / S3RVER.
// Stops cleanly on SIGTERM / SIGINT.
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const prefix = process.env.S3RVER_NODE_PREFIX || path.resolve(here, '../../.tools/node')
const require = createRequire(path.join(prefix, 'package.json'))
const S3rver = require('@20minutes/s3rver')

const [portArg, directory, ...buckets] = process.argv.slice(2)
const port = Number(portArg)
if (!Number.isInteger(port) || port <= 0 || !directory) {
  console.error('usage: node s3rver.mjs PORT DIRECTORY [BUCKET...]')
  process.exit(2)
}
mkdirSync(directory, { recursive: true })

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: false,
  configureBuckets: buckets.map((name) => ({ name })),
})

const { address, port: boundPort } = await server.run()
console.log(`s3rver ${require('@20minutes/s3rver/package.json').version} listening on http://${address}:${boundPort}, data in ${directory}`)

let closing = false
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    if (closing) return
    closing = true
    console.log(`s3rver: ${sig}, closing`)
    // close() waits for keep-alive connections; don't wait for long.
    setTimeout(() => process.exit(0), 2000).unref()
    try {
      await server.close()
    } finally {
      process.exit(0)
    }
  })
}
