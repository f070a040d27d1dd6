/**
 * Text made safe for HTML element content and quoted attribute values: the five characters that
 * could end a text node or an attribute are written as character references.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
