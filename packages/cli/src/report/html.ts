/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An `<img>` with the bytes inline (data URI), so the report is one file that needs no network. */
export function inlineImage(bytes: Buffer | string, mime: 'image/svg+xml' | 'image/png', alt: string): string {
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  return `<img alt="${escapeHtml(alt)}" src="data:${mime};base64,${data.toString('base64')}">`;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

export const REPORT_CSS = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1b1f24; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2rem; }
.meta { color: #57606a; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: right; }
th { background: #f6f8fa; } td:first-child, th:first-child { text-align: left; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; } .plots img { max-width: 100%; border: 1px solid #eee; }
.gallery { display: flex; flex-wrap: wrap; gap: 1rem; } .gallery figure { margin: 0; } .gallery img { width: 192px; image-rendering: pixelated; }
figcaption { font-size: .8rem; color: #57606a; max-width: 192px; word-break: break-all; }
.warn { color: #9a6700; }
`;
