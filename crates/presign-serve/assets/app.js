"use strict";
// The upload page of presign serve: plain JavaScript, no build step.
// Small files: POST /v1/post, then a multipart/form-data POST to storage.
// Large files: POST /v1/multipart (a plan of part URLs), PUT the parts in
// parallel, then POST /v1/multipart/complete. Each finished file is listed
// with a download link from POST /v1/presign.

const MULTIPART_FROM = 8 * 1024 * 1024;
const PART_SIZE = 5 * 1024 * 1024;
const PARALLEL_PARTS = 4;

const $ = (id) => document.getElementById(id);
let chosen = [];
let me = null;

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "authorization": "Bearer " + $("token").value.trim(), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error((answer.error || response.statusText) + (answer.rule ? " (rule: " + answer.rule + ")" : ""));
  }
  return answer;
}

// XMLHttpRequest, for upload progress; resolves with the request when 2xx.
function send(method, url, body, onProgress, headers) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded); };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300)
      ? resolve(xhr)
      : reject(new Error("storage answered " + xhr.status + ": " + storageError(xhr.responseText)));
    xhr.onerror = () => reject(new Error("storage could not be reached"));
    xhr.send(body);
  });
}

function storageError(text) {
  const code = /<Code>([^<]*)<\/Code>/.exec(text || "");
  const message = /<Message>([^<]*)<\/Message>/.exec(text || "");
  return [code && code[1], message && message[1]].filter(Boolean).join(": ") || "no details";
}

function row(file) {
  const item = document.createElement("li");
  item.className = "file";
  item.innerHTML = '<div class="name"></div><div class="detail"></div><progress max="1" value="0"></progress>';
  item.querySelector(".name").textContent = file.name;
  item.querySelector(".detail").textContent = formatSize(file.size) + " waiting";
  $("list").appendChild(item);
  return item;
}

function formatSize(bytes) {
  if (bytes < 1024) return bytes + " B";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KiB";
  return (bytes / 1024 / 1024).toFixed(1) + " MiB";
}

async function uploadSmall(file, key, progress) {
  const post = await api("/v1/post", { key, content_type: file.type || "application/octet-stream", success_action_status: 201 });
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  form.append("file", file);
  await send("POST", post.url, form, (loaded) => progress(Math.min(loaded, file.size)));
}

async function uploadLarge(file, key, progress) {
  const plan = await api("/v1/multipart", {
    key, size: file.size, part_size: PART_SIZE, content_type: file.type || "application/octet-stream",
  });
  const sent = new Array(plan.parts.length).fill(0);
  const done = [];
  let next = 0;
  async function worker() {
    while (next < plan.parts.length) {
      const part = plan.parts[next++];
      const blob = file.slice(part.offset, part.offset + part.length);
      const xhr = await send("PUT", part.url, blob, (loaded) => {
        sent[part.part_number - 1] = loaded;
        progress(sent.reduce((a, b) => a + b, 0));
      });
      done.push({ part_number: part.part_number, etag: xhr.getResponseHeader("etag") });
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, plan.parts.length) }, worker));
  } catch (error) {
    await api("/v1/multipart/abort", { key, upload_id: plan.upload_id }).catch(() => {});
    throw error;
  }
  done.sort((a, b) => a.part_number - b.part_number);
  await api("/v1/multipart/complete", { key, upload_id: plan.upload_id, parts: done });
}

async function uploadOne(file) {
  const item = row(file);
  const bar = item.querySelector("progress");
  const detail = item.querySelector(".detail");
  const key = me.key_prefix + file.name;
  const progress = (loaded) => {
    bar.value = file.size ? loaded / file.size : 1;
    detail.textContent = formatSize(loaded) + " of " + formatSize(file.size);
  };
  try {
    if (file.size >= MULTIPART_FROM) await uploadLarge(file, key, progress);
    else await uploadSmall(file, key, progress);
    bar.value = 1;
    const link = await api("/v1/presign", { method: "GET", key });
    detail.textContent = formatSize(file.size) + " uploaded as " + key + " ";
    const anchor = document.createElement("a");
    anchor.href = link.url;
    anchor.textContent = "download";
    anchor.className = "download";
    detail.appendChild(anchor);
    item.classList.add("done");
  } catch (error) {
    item.classList.add("failed");
    detail.textContent = "failed: " + error.message;
  }
}

async function uploadAll() {
  $("upload").disabled = true;
  try {
    me = await api("/v1/me");
    setStatus("Uploading " + chosen.length + " file(s) as " + me.client + "...");
    await Promise.all(chosen.map(uploadOne));
    const failed = document.querySelectorAll("li.file.failed").length;
    setStatus(failed ? failed + " upload(s) failed" : "All uploads finished.", failed > 0);
  } catch (error) {
    setStatus(error.message, true);
  }
  chosen = [];
}

function choose(files) {
  chosen = Array.from(files);
  $("upload").disabled = chosen.length === 0;
  setStatus(chosen.length + " file(s) chosen");
}

$("files").addEventListener("change", (event) => choose(event.target.files));
$("upload").addEventListener("click", uploadAll);
const drop = $("drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  choose(event.dataTransfer.files);
});
