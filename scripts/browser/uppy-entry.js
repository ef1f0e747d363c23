// Bundled by esbuild into the test page: the real @uppy/core and
// @uppy/aws-s3 6.3.1 from npm, talking to presign serve as to Companion.
import Uppy from "@uppy/core";
import AwsS3 from "@uppy/aws-s3";

// The bytes of a test file: the same generator runs in the test (Node).
export function makeBytes(size, seed) {
  const bytes = new Uint8Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
window.makeBytes = makeBytes;

// Uploads `files` ([{name, type, size, seed}]) with `companionEndpoint`;
// multipart when `multipart` is set (5 MiB parts). Resolves with Uppy's
// result: per file, its key or its error.
window.uploadWithUppy = async function uploadWithUppy({ endpoint, files, multipart, meta }) {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    companionEndpoint: endpoint,
    shouldUseMultipart: () => multipart,
    getChunkSize: () => 5 * 1024 * 1024,
  });
  const errors = {};
  uppy.on("upload-error", (file, error) => { errors[file.name] = String(error && error.message || error); });
  for (const file of files) {
    const bytes = makeBytes(file.size, file.seed);
    uppy.addFile({ name: file.name, type: file.type, data: new Blob([bytes], { type: file.type }), meta: meta || {} });
  }
  const result = await uppy.upload();
  return {
    successful: (result.successful || []).map((f) => ({ name: f.name, key: f.response && f.response.body && f.response.body.key, location: f.response && f.response.uploadURL })),
    failed: (result.failed || []).map((f) => ({ name: f.name, error: errors[f.name] || String(f.error) })),
  };
};
