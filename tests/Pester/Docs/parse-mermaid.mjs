// Parses Mermaid diagrams with the mermaid package itself (in a jsdom window: mermaid's sanitiser needs a DOM).
// Input: a JSON file [{ "id": "...", "text": "..." }]; output: one JSON line [{ "id", "ok", "error" }].
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

const diagrams = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const diagram of diagrams) {
  try {
    await mermaid.parse(diagram.text);
    results.push({ id: diagram.id, ok: true, error: '' });
  } catch (e) {
    results.push({ id: diagram.id, ok: false, error: String(e.message ?? e).split('\n').slice(0, 4).join(' ') });
  }
}
console.log(JSON.stringify(results));
