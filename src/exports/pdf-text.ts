/**
 * PDFKit's standard fonts (Helvetica) write WinAnsi: characters outside it come out as other glyphs (the shared
 * formats' minus sign U+2212 reads as a quote mark). The few the formats use are written as their nearest WinAnsi
 * character — the minus as a hyphen-minus, narrow and thin spaces as spaces — for every text of a document.
 */
const OUTSIDE_WIN_ANSI: Array<[RegExp, string]> = [
  [/\u2212/g, '-'],
  [/[\u2009\u202f]/g, ' '],
];

export function winAnsi(s: string): string {
  return OUTSIDE_WIN_ANSI.reduce((t, [from, to]) => t.replace(from, to), s);
}

/** Makes `doc.text` write every string through winAnsi (the document's fonts are the standard ones). */
export function standardFontText(doc: PDFKit.PDFDocument): PDFKit.PDFDocument {
  const text = doc.text.bind(doc) as (...args: unknown[]) => PDFKit.PDFDocument;
  doc.text = ((s: unknown, ...rest: unknown[]) => text(typeof s === 'string' ? winAnsi(s) : s, ...rest)) as typeof doc.text;
  return doc;
}
