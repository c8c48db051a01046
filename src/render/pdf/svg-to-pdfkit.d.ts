/** Types for svg-to-pdfkit 0.1.8 (it ships none): the options the PDF renderer uses. */
declare module 'svg-to-pdfkit' {
  export interface SVGtoPDFOptions {
    width?: number;
    height?: number;
    preserveAspectRatio?: string;
    assumePt?: boolean;
    precision?: number;
    useCSS?: boolean;
    fontCallback?: (family: string, bold: boolean, italic: boolean, fontOptions: { fauxItalic: boolean; fauxBold: boolean }) => string;
    imageCallback?: (link: string) => string;
    colorCallback?: (color: [number[], number]) => [number[], number];
    warningCallback?: (message: string) => void;
    documentCallback?: (file: string) => unknown;
  }
  function SVGtoPDF(doc: unknown, svg: string, x?: number, y?: number, options?: SVGtoPDFOptions): void;
  export default SVGtoPDF;
}
