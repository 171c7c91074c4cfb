/**
 * The Content-Type a small text object is stored with, from its key: what a bucket website or a
 * CDN serves it as (the status page's index.html must arrive as HTML, not as a download).
 */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json",
};

export function contentTypeFor(key: string): string {
  const dot = key.lastIndexOf(".");
  return (dot >= 0 && TYPES[key.slice(dot).toLowerCase()]) || "application/json";
}
