// pdfmake 0.3's server entry point: a ready-made singleton (the published @types describe 0.2's API).
declare module 'pdfmake' {
  interface VirtualFs {
    writeFileSync(path: string, content: Buffer | string): void;
    existsSync(path: string): boolean;
  }
  interface OutputDocument {
    getBuffer(): Promise<Buffer | Uint8Array>;
  }
  interface PdfMake {
    virtualfs: VirtualFs;
    setFonts(fonts: Record<string, Record<string, string>>): void;
    setUrlAccessPolicy(policy: (url: string) => boolean): void;
    setLocalAccessPolicy(policy: (path: string) => boolean): void;
    setTableLayouts(layouts: Record<string, object>): void;
    createPdf(doc: object, options?: object): OutputDocument;
  }
  const pdfmake: PdfMake;
  export = pdfmake;
}
