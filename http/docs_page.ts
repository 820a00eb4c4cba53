/**
 * `GET /api/v1/docs`: the OpenAPI document as one self-contained HTML page (no scripts,
 * no CDN, works offline): every operation grouped by tag, with its parameters, an example
 * body and its responses.
 *
 * @module
 */

type Json = Record<string, unknown>;

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function schemaText(schema: unknown): string {
  if (schema === null || typeof schema !== "object") return "";
  const s = schema as Json;
  if (typeof s.$ref === "string") return s.$ref.split("/").at(-1) ?? "";
  if (Array.isArray(s.enum)) return s.enum.map(String).join(" | ");
  if (Array.isArray(s.type)) return s.type.join(" | ");
  return typeof s.type === "string" ? s.type : "any JSON";
}

function operationHtml(method: string, path: string, op: Json): string {
  const params = (op.parameters as Json[] | undefined ?? []).map((p) =>
    `<li><code>${esc(p.name)}</code> <em>(${esc(p.in)}${p.required ? ", required" : ""}: ${
      esc(schemaText(p.schema))
    })</em> ${esc(p.description ?? "")}</li>`
  ).join("");
  const body = op.requestBody as Json | undefined;
  let bodyHtml = "";
  if (body !== undefined) {
    const media = (body.content as Json)["application/json"] as Json;
    const example = media.example === undefined
      ? ""
      : `<pre>${esc(JSON.stringify(media.example))}</pre>`;
    bodyHtml = `<p><b>Body</b>: ${esc(body.description ?? "")}</p>${example}`;
  }
  const responses = Object.entries(op.responses as Json).map(([code, r]) =>
    `<li><code>${esc(code)}</code> ${esc((r as Json).description ?? "")}</li>`
  ).join("");
  return `<section id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${
    esc(path)
  }</code></h3>
<p>${esc(op.summary ?? "")}</p>
${params ? `<p><b>Parameters</b></p><ul>${params}</ul>` : ""}${bodyHtml}
<p><b>Responses</b></p><ul>${responses}</ul>
</section>`;
}

/**
 * The HTML page for an OpenAPI document.
 *
 * @example
 * ```ts
 * import { docsPage } from "./docs_page.ts";
 * import { openApiDocument } from "./openapi.ts";
 * docsPage(openApiDocument()).includes("<h3>"); // true
 * ```
 */
export function docsPage(doc: Json): string {
  const info = doc.info as Json;
  const tags = (doc.tags as Json[]).map((t) => String(t.name));
  const byTag = new Map<string, string[]>(tags.map((t) => [t, []]));
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const tag = ((op as Json).tags as string[])[0] ?? "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(operationHtml(method, path, op as Json));
    }
  }
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(" · ");
  const sections = [...byTag].map(([tag, ops]) =>
    `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>\n${ops.join("\n")}`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font-family:ui-monospace,monospace;background:#f4f4f4;padding:0 .2em}
pre{padding:.5em;overflow:auto}
section{border-top:1px solid #ddd;padding:.2rem 0}
h3{font-size:1rem;margin:.6rem 0 .2rem}
.m{display:inline-block;min-width:4.2em;color:#fff;border-radius:3px;padding:0 .3em;text-align:center;font-size:.85em}
.get{background:#2b7bb9}.post{background:#3a9a4b}.put{background:#b97a2b}.delete{background:#b92b2b}
</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. ${toc}</p>
${sections}
</body></html>
`;
}
