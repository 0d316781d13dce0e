// How sheetbook names itself in every PDF it writes (the document information dictionary and the XMP metadata).
// Import reads these back to know a file of its own: one whose every full-width space is stated (ActualText).
export const CREATOR = 'sheetbook';
export const PRODUCER = 'sheetbook (pdfmake, pdfkit)';
