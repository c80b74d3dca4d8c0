// citeqa chat page: asks /v1/ask/stream, shows answers with citation markers, opens the cited
// document with the quote and the answer highlighted. Plain JS, no build step. Every text
// from the server goes through textContent, never innerHTML.
"use strict";

const $ = (selector) => document.querySelector(selector);

const ui = {
  conversation: $("#conversation"),
  emptyHint: $("#empty-hint"),
  form: $("#ask-form"),
  question: $("#question"),
  askButton: $("#ask-button"),
  questionDate: $("#question-date"),
  dateFrom: $("#date-from"),
  dateTo: $("#date-to"),
  indexStatus: $("#index-status"),
  uploadFiles: $("#upload-files"),
  uploadButton: $("#upload-button"),
  uploadStatus: $("#upload-status"),
  apiKeyLabel: $("#api-key-label"),
  apiKeyHelp: $("#api-key-help"),
  apiKey: $("#api-key"),
  viewer: $("#viewer"),
  viewerTitle: $("#viewer-title"),
  viewerMeta: $("#viewer-meta"),
  viewerText: $("#viewer-text"),
  viewerClose: $("#viewer-close"),
  template: $("#answer-template"),
};

let lastOpener = null; // the marker that opened the viewer, to return focus to it

// ---------- small DOM helpers ----------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function formatDate(iso) {
  if (!iso) return "undated";
  const date = new Date(`${iso}T00:00:00`);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

function describeSource(item) {
  return [formatDate(item.date), item.source].filter(Boolean).join(" · ");
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error.message;
  } catch (_) {
    // not JSON: fall through to the status line
  }
  return `${response.status} ${response.statusText}`;
}

// ---------- index status and write rule ----------

async function loadStats() {
  try {
    const response = await fetch("/v1/stats");
    if (!response.ok) throw new Error(await errorMessage(response));
    const stats = await response.json();
    const count = stats.index.documents;
    const state = stats.ready ? "" : " · loading the models…";
    ui.indexStatus.textContent = `${count} document${count === 1 ? "" : "s"} indexed${state}`;
    const needsKey = stats.writes === "api key";
    ui.apiKeyLabel.hidden = !needsKey;
    ui.apiKeyHelp.hidden = !needsKey;
    if (!stats.ready) setTimeout(loadStats, 2000);
  } catch (error) {
    ui.indexStatus.textContent = `The service cannot be reached: ${error.message}`;
  }
}

// ---------- asking ----------

function questionBody(text) {
  const filters = {};
  if (ui.dateFrom.value) filters.date_from = ui.dateFrom.value;
  if (ui.dateTo.value) filters.date_to = ui.dateTo.value;
  const body = { question: text, filters };
  if (ui.questionDate.value) body.question_date = ui.questionDate.value;
  return body;
}

function startTurn(text) {
  ui.emptyHint.hidden = true;
  const turn = ui.template.content.firstElementChild.cloneNode(true);
  turn.querySelector(".question-bubble").textContent = text;
  ui.conversation.append(turn);
  turn.scrollIntoView({ block: "end", behavior: "smooth" });
  return turn.querySelector(".answer-bubble");
}

function setProgress(article, text) {
  const progress = article.querySelector(".progress-text");
  if (progress) progress.textContent = text;
}

async function ask(text) {
  const article = startTurn(text);
  ui.askButton.disabled = true;
  try {
    const answer = await streamAnswer(questionBody(text), article);
    renderAnswer(article, answer);
  } catch (error) {
    renderError(article, error.message);
  } finally {
    article.setAttribute("aria-busy", "false");
    ui.askButton.disabled = false;
    article.closest(".turn").scrollIntoView({ block: "start", behavior: "smooth" });
  }
}

// Reads /v1/ask/stream: passages, answer, citations, done (or error). fetch, not EventSource,
// because the question goes in a POST body.
async function streamAnswer(body, article) {
  const response = await fetch("/v1/ask/stream", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(await errorMessage(response));
  let answer = null;
  let passages = [];
  for await (const { event, data } of serverSentEvents(response.body)) {
    if (event === "passages") {
      passages = data.passages;
      const n = passages.length;
      setProgress(article, `Found ${n} passage${n === 1 ? "" : "s"}; reading them for the answer…`);
    } else if (event === "answer") {
      answer = { ...data, passages, citations: [], alternatives: [] };
      setProgress(article, "Checking the citations…");
    } else if (event === "citations") {
      Object.assign(answer, data);
    } else if (event === "error") {
      throw new Error(data.error.message);
    } else if (event === "done") {
      return answer;
    }
  }
  throw new Error("the connection closed before the answer was complete");
}

async function* serverSentEvents(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

// ---------- rendering answers ----------

function marker(citation, label) {
  return el(
    "button",
    {
      type: "button",
      className: "marker",
      "aria-label": `Source ${citation.n}: ${citation.title}. Open it with the quote highlighted`,
      onclick: (event) => openCitation(citation, event.currentTarget),
    },
    label || `[${citation.n}]`,
  );
}

function renderAnswer(article, answer) {
  article.replaceChildren();
  if (answer.answer === null) {
    renderNotFound(article, answer);
    return;
  }
  const answerLine = el(
    "p",
    { className: "answer-text" },
    el("span", {}, answer.answer),
    " ",
    answer.citations.map((citation) => [marker(citation), " "]),
  );
  if (answer.normalized) {
    answerLine.append(
      el(
        "span",
        { className: "resolved", title: answer.rule || "" },
        `= ${answer.normalized}`,
        answer.rule ? el("span", { className: "visually-hidden" }, ` (${answer.rule})`) : null,
      ),
    );
  }
  article.append(answerLine);
  if (answer.quote && answer.quote !== answer.answer) {
    article.append(el("blockquote", { className: "supporting-quote" }, `“${answer.quote}”`));
  }
  if (answer.alternatives.length) article.append(renderAlternatives(answer.alternatives));
  article.append(renderSources(answer));
}

function renderSources(answer) {
  const citations = [...answer.citations, ...answer.alternatives.map((a) => a.citation)];
  return el(
    "section",
    { className: "sources", "aria-label": "Sources" },
    el("h3", {}, "Sources"),
    el(
      "ol",
      {},
      citations.map((citation) =>
        el(
          "li",
          {},
          marker(citation),
          " ",
          el("span", { className: "source-title" }, citation.title),
          el("span", { className: "source-meta" }, ` — ${describeSource(citation)}`),
        ),
      ),
    ),
  );
}

function renderAlternatives(alternatives) {
  return el(
    "section",
    { className: "alternatives", "aria-label": "Other sources disagree" },
    el("h3", {}, "Other sources say"),
    el(
      "ul",
      {},
      alternatives.map((alternative) =>
        el(
          "li",
          {},
          el("span", { className: "alt-answer" }, alternative.answer),
          alternative.normalized ? ` (= ${alternative.normalized})` : null,
          " ",
          marker(alternative.citation),
          el(
            "span",
            { className: "source-meta" },
            ` — published ${formatDate(alternative.date)}`,
            alternative.citation.source ? ` by ${alternative.citation.source}` : "",
          ),
        ),
      ),
    ),
  );
}

function renderNotFound(article, answer) {
  article.classList.add("not-found");
  article.append(
    el("p", { className: "answer-text" }, "Not found in the documents."),
    answer.reason ? el("p", { className: "reason" }, answer.reason) : null,
  );
  if (!answer.passages.length) return;
  article.append(
    el("h3", {}, "Closest passages"),
    el(
      "ol",
      { className: "closest" },
      answer.passages.slice(0, 3).map((passage, index) =>
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              className: "passage-link",
              onclick: (event) =>
                openDocument(
                  passage.doc_id,
                  { start: passage.start, end: passage.end },
                  null,
                  event.currentTarget,
                ),
              "aria-label": `Closest passage ${index + 1}: ${passage.title}. Open it`,
            },
            passage.title,
          ),
          el("span", { className: "source-meta" }, ` — ${describeSource(passage)}`),
          el("p", { className: "snippet" }, `${passage.text.slice(0, 220)}…`),
        ),
      ),
    ),
  );
}

function renderError(article, message) {
  article.replaceChildren(
    el("p", { className: "error", role: "alert" }, `Something went wrong: ${message}`),
  );
  article.classList.add("failed");
}

// ---------- the document viewer ----------

function openCitation(citation, opener) {
  return openDocument(
    citation.doc_id,
    { start: citation.quote_start, end: citation.quote_end },
    { start: citation.answer_start, end: citation.answer_end },
    opener,
  );
}

async function openDocument(docId, quote, answer, opener) {
  lastOpener = opener;
  ui.viewer.hidden = false;
  document.body.classList.add("viewing");
  ui.viewerTitle.textContent = "Loading the document…";
  ui.viewerMeta.replaceChildren();
  ui.viewerText.replaceChildren();
  const response = await fetch(`/v1/documents/${encodeURIComponent(docId)}`);
  if (!response.ok) {
    ui.viewerTitle.textContent = "The document cannot be shown";
    ui.viewerText.append(el("p", { className: "error", role: "alert" }, await errorMessage(response)));
    return;
  }
  const documentData = await response.json();
  ui.viewerTitle.textContent = documentData.title;
  ui.viewerMeta.append(describeSource(documentData));
  if (documentData.url) {
    ui.viewerMeta.append(
      " · ",
      el("a", { href: documentData.url, target: "_blank", rel: "noopener noreferrer" }, "Open the original"),
    );
  }
  ui.viewerText.append(...highlighted(documentData.text, quote, answer));
  ui.viewerTitle.focus();
  const target = ui.viewerText.querySelector("mark.answer") || ui.viewerText.querySelector("mark.quote");
  if (target) target.scrollIntoView({ block: "center" });
}

// The text cut at the span boundaries; each piece inside the quote or the answer is a <mark>.
function highlighted(text, quote, answer) {
  const spans = [quote, answer].filter(Boolean);
  const cuts = new Set([0, text.length]);
  for (const span of spans) {
    cuts.add(Math.max(0, Math.min(span.start, text.length)));
    cuts.add(Math.max(0, Math.min(span.end, text.length)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = text.slice(from, to);
    const inside = (span) => span && from >= span.start && to <= span.end;
    if (inside(answer)) pieces.push(el("mark", { className: "answer" }, piece));
    else if (inside(quote)) pieces.push(el("mark", { className: "quote" }, piece));
    else pieces.push(document.createTextNode(piece));
  }
  return pieces;
}

function closeViewer() {
  ui.viewer.hidden = true;
  document.body.classList.remove("viewing");
  if (lastOpener && document.contains(lastOpener)) lastOpener.focus();
}

// ---------- uploading documents ----------

async function upload() {
  const files = [...ui.uploadFiles.files];
  if (!files.length) {
    ui.uploadStatus.textContent = "Choose one or more files first.";
    return;
  }
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  const headers = {};
  if (ui.apiKey.value) headers.Authorization = `Bearer ${ui.apiKey.value}`;
  ui.uploadButton.disabled = true;
  ui.uploadStatus.textContent = `Indexing ${files.length} file${files.length === 1 ? "" : "s"}…`;
  try {
    const response = await fetch("/v1/documents", { method: "POST", body: form, headers });
    if (response.status === 401) {
      ui.apiKeyLabel.hidden = false;
      ui.apiKeyHelp.hidden = false;
      ui.apiKey.focus();
    }
    if (!response.ok) throw new Error(await errorMessage(response));
    const body = await response.json();
    ui.uploadStatus.replaceChildren(
      el(
        "ul",
        {},
        body.results.map((result) =>
          el(
            "li",
            { className: result.status === "failed" ? "failed" : "ok" },
            `${result.origin}: ${result.status}`,
            result.id && result.status !== "failed" ? ` as “${result.id}”` : "",
            result.error ? ` — ${result.error}` : "",
          ),
        ),
      ),
    );
    ui.uploadFiles.value = "";
    loadStats();
  } catch (error) {
    ui.uploadStatus.textContent = `Upload failed: ${error.message}`;
  } finally {
    ui.uploadButton.disabled = false;
  }
}

// ---------- wiring ----------

function submitQuestion() {
  const text = ui.question.value.trim();
  if (!text || ui.askButton.disabled) return;
  ui.question.value = "";
  ask(text);
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  submitQuestion();
});
ui.question.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitQuestion();
  }
});
for (const example of document.querySelectorAll(".example")) {
  example.addEventListener("click", () => {
    ui.question.value = example.textContent;
    submitQuestion();
  });
}
ui.uploadButton.addEventListener("click", upload);
ui.viewerClose.addEventListener("click", closeViewer);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !ui.viewer.hidden) closeViewer();
});

loadStats();
