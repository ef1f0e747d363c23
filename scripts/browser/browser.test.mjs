// Browser acceptance tests of presign serve, run by scripts/test-browser.sh
// with node's test runner: the real Uppy client (@uppy/core and
// @uppy/aws-s3 6.3.1, bundled with esbuild) and the page at /, in Debian's
// chromium (driven by playwright-core), uploading through `presign serve`
// into SeaweedFS. Objects are read back with presign's own GET URLs (the
// presign command) and compared byte for byte, with content type and
// metadata.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (scripts/test-browser.sh sets it)`);
  return value;
};
const PRESIGN = env("PRESIGN_BIN");
const BUNDLE = env("UPPY_BUNDLE");
const ARTIFACTS = env("BROWSER_ARTIFACTS");
const CHROMIUM = env("CHROMIUM");
const server = Object.fromEntries(
  readFileSync(join(env("PRESIGN_INTEROP_SERVERS"), "seaweedfs.env"), "utf8")
    .split("\n").filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")).replace("PRESIGN_TEST_", ""), line.slice(line.indexOf("=") + 1)]),
);
const MiB = 1024 * 1024;
const TOKEN = randomBytes(18).toString("hex");
const storageEnv = {
  PATH: process.env.PATH,
  HOME: mkdtempSync(join(tmpdir(), "presign-home-")),
  AWS_ACCESS_KEY_ID: server.ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: server.SECRET_KEY,
};

// The test files' bytes: the same generator as the page's makeBytes.
function makeBytes(size, seed) {
  const bytes = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

let serve, serveUrl, pageServer, pageUrl, context, serveLog = "";

function startServe(dir) {
  const config = join(dir, "serve.toml");
  writeFileSync(config, `
audit_log = "${join(dir, "audit.jsonl")}"
[storage]
endpoint_url = "${server.ENDPOINT}"
region = "${server.REGION}"
bucket = "${server.BUCKET}"
addressing_style = "path"
[companion]
cors_origins = ["*"]
max_size = ${16 * MiB}
content_types = ["image/*", "text/plain", "application/octet-stream"]
[[clients]]
name = "web"
token_sha256 = "${createHash("sha256").update(TOKEN).digest("hex")}"
methods = ["GET", "PUT", "POST"]
max_size = ${64 * MiB}
`);
  const child = spawn(PRESIGN, ["serve", "--config", config, "--listen", "127.0.0.1:0"], { env: storageEnv, stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      serveLog += chunk;
      const match = /"address":"([^"]+)"/.exec(serveLog);
      if (match) resolve({ child, url: `http://${match[1]}` });
    });
    child.on("exit", (code) => reject(new Error(`presign serve exited ${code}: ${serveLog}`)));
  });
}

function startPageServer() {
  const html = readFileSync(new URL("./uppy.html", import.meta.url));
  const bundle = readFileSync(BUNDLE);
  const http = createServer((req, res) => {
    if (req.url === "/uppy-bundle.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  return new Promise((resolve) => http.listen(0, "127.0.0.1", () => resolve(http)));
}

// presign's own GET URL for `key` (the presign command), then the object.
async function readBack(key) {
  const url = execFileSync(PRESIGN, ["--endpoint-url", server.ENDPOINT, "--region", server.REGION, "--addressing-style", "path", `s3://${server.BUCKET}/${key}`], { env: storageEnv, encoding: "utf8" }).trim();
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "presign-browser-"));
  ({ child: serve, url: serveUrl } = await startServe(dir));
  pageServer = await startPageServer();
  pageUrl = `http://127.0.0.1:${pageServer.address().port}/`;
  mkdirSync(ARTIFACTS, { recursive: true });
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chromium-profile-")), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await context?.close();
  pageServer?.close();
  if (serve) {
    serve.kill("SIGTERM");
    await new Promise((resolve) => serve.on("exit", resolve));
  }
});

async function uppyPage() {
  const page = await context.newPage();
  const storageAnswers = [];
  page.on("response", (response) => {
    if (response.url().startsWith(server.ENDPOINT)) storageAnswers.push({ method: response.request().method(), status: response.status() });
  });
  await page.goto(pageUrl);
  await page.waitForFunction(() => typeof window.uploadWithUppy === "function");
  return { page, storageAnswers };
}

test("Uppy uploads a small file through a POST policy, read back byte for byte", async () => {
  const { page } = await uppyPage();
  const file = { name: "photo 1.png", type: "image/png", size: 150 * 1024 + 7, seed: 11 };
  const result = await page.evaluate((args) => window.uploadWithUppy(args), { endpoint: serveUrl, files: [file], multipart: false, meta: { owner: "alice" } });
  assert.deepEqual(result.failed, []);
  const key = result.successful[0].key;
  assert.match(key, /^[0-9a-f-]{36}-photo 1\.png$/);
  const object = await readBack(key);
  assert.equal(object.status, 200);
  assert.ok(object.bytes.equals(makeBytes(file.size, file.seed)), "the object's bytes differ from the file's");
  assert.equal(object.headers.get("content-type"), "image/png");
  assert.equal(object.headers.get("x-amz-meta-owner"), "alice");
  await page.close();
});

test("Uppy uploads 12 MiB as a multipart upload (5 MiB parts), read back byte for byte", async () => {
  const { page, storageAnswers } = await uppyPage();
  const file = { name: "big.bin", type: "application/octet-stream", size: 12 * MiB, seed: 12 };
  const result = await page.evaluate((args) => window.uploadWithUppy(args), { endpoint: serveUrl, files: [file], multipart: true, meta: { owner: "bob" } });
  assert.deepEqual(result.failed, []);
  assert.equal(storageAnswers.filter((a) => a.method === "PUT" && a.status === 200).length, 3, JSON.stringify(storageAnswers));
  const key = result.successful[0].key;
  const object = await readBack(key);
  assert.equal(object.status, 200);
  assert.ok(object.bytes.equals(makeBytes(file.size, file.seed)), "the object's bytes differ from the file's");
  // application/octet-stream is signed as binary/octet-stream: SeaweedFS
  // would guess a type from the file name (docs/security.md, finding 19).
  assert.equal(object.headers.get("content-type"), "binary/octet-stream");
  assert.equal(object.headers.get("x-amz-meta-owner"), "bob");
  await page.close();
});

test("a file over max_size is refused by the storage server through the policy", async () => {
  const { page, storageAnswers } = await uppyPage();
  const file = { name: "too-big.png", type: "image/png", size: 16 * MiB + 1, seed: 13 };
  const result = await page.evaluate((args) => window.uploadWithUppy(args), { endpoint: serveUrl, files: [file], multipart: false });
  assert.equal(result.successful.length, 0);
  assert.equal(result.failed.length, 1);
  // The service signed the policy; the storage server refused the upload.
  const posts = storageAnswers.filter((a) => a.method === "POST");
  assert.ok(posts.length >= 1 && posts.every((a) => a.status === 400), JSON.stringify(storageAnswers));
  await page.close();
});

test("a content type outside content_types is refused: by the service, and by storage when the form is changed", async () => {
  const { page, storageAnswers } = await uppyPage();
  const file = { name: "page.html", type: "text/html", size: 1000, seed: 14 };
  const result = await page.evaluate((args) => window.uploadWithUppy(args), { endpoint: serveUrl, files: [file], multipart: false });
  assert.equal(result.successful.length, 0);
  assert.match(result.failed[0].error, /Companion request failed: Forbidden/);
  assert.equal(storageAnswers.length, 0, "nothing reached storage");
  // A policy signed for image/png, posted with text/html: the storage
  // server checks the policy's content-type condition.
  const tampered = await page.evaluate(async (endpoint) => {
    const params = await (await fetch(`${endpoint}/s3/params?filename=x.png&type=image%2Fpng`)).json();
    const form = new FormData();
    for (const [name, value] of Object.entries(params.fields)) form.append(name, name === "content-type" ? "text/html" : value);
    form.append("file", new Blob(["<h1>hi</h1>"], { type: "text/html" }));
    const response = await fetch(params.url, { method: "POST", body: form });
    return { status: response.status, key: params.fields.key };
  }, serveUrl);
  assert.equal(tampered.status, 403);
  assert.equal((await readBack(tampered.key)).status, 404, "the object must not exist");
  await page.close();
});

test("the page at / uploads a small and a large file and lists them with download links", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 900, height: 700 });
  await page.goto(serveUrl + "/");
  await page.fill("#token", TOKEN);
  const small = { name: "notes.txt", mimeType: "text/plain", buffer: makeBytes(20 * 1024, 21) };
  const large = { name: "video.bin", mimeType: "application/octet-stream", buffer: makeBytes(11 * MiB, 22) };
  await page.setInputFiles("#files", [small, large]);
  await page.click("#upload");
  await page.waitForFunction(() => /finished|failed/.test(document.getElementById("status").textContent), null, { timeout: 120000 });
  await page.screenshot({ path: join(ARTIFACTS, "page.png"), fullPage: true });
  assert.equal(await page.textContent("#status"), "All uploads finished.");
  assert.equal(await page.locator("li.file.done").count(), 2);
  for (const file of [small, large]) {
    const link = await page.locator("li.file", { hasText: file.name }).locator("a.download").getAttribute("href");
    const response = await fetch(link);
    assert.equal(response.status, 200);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(file.buffer), `${file.name} differs`);
    // application/octet-stream is stored as binary/octet-stream: SeaweedFS
    // would guess a type from the file name (docs/security.md, finding 22).
    const stored = file.mimeType === "application/octet-stream" ? "binary/octet-stream" : file.mimeType;
    assert.equal(response.headers.get("content-type"), stored);
  }
  await page.close();
});

test("s3s-fs is left out of the browser tests: it answers no CORS preflight", async (t) => {
  let text;
  try {
    text = readFileSync(join(env("PRESIGN_INTEROP_SERVERS"), "s3s-fs.env"), "utf8");
  } catch {
    t.skip("s3s-fs is not running");
    return;
  }
  const endpoint = /PRESIGN_TEST_ENDPOINT=(.*)/.exec(text)[1];
  const bucket = /PRESIGN_TEST_BUCKET=(.*)/.exec(text)[1];
  const response = await fetch(`${endpoint}/${bucket}`, {
    method: "OPTIONS",
    headers: { origin: pageUrl.slice(0, -1), "access-control-request-method": "POST" },
  });
  // When this fails, s3s-fs learned CORS: add it to the tests above.
  assert.equal(response.headers.get("access-control-allow-origin"), null);
  assert.notEqual(response.status, 200);
});
