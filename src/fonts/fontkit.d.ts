/** Types for fontkit 2 (it ships none): the one function used here. */
declare module 'fontkit' {
  export function create(buffer: Buffer, postscriptName?: string): unknown;
}
