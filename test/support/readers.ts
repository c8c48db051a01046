/** Independent readers of our outputs: unzip + XML for DOCX, poppler for PDF, LibreOffice. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';

export async function docxParts(file: string): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const out: Record<string, string> = {};
  for (const name of Object.keys(zip.files)) {
    if (/\.(xml|rels)$/.test(name)) out[name] = await zip.files[name].async('string');
  }
  return out;
}

const decode = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The text of each w:p of word/document.xml, in order. */
export function docxParagraphs(documentXml: string): string[] {
  const paras = documentXml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [];
  return paras.map((p) =>
    decode(
      (p.match(/<w:t(?: [^>]*)?>[^<]*<\/w:t>|<w:tab\/>|<w:br\/>/g) ?? [])
        .map((t) => (t.startsWith('<w:tab') || t.startsWith('<w:br') ? ' ' : t.replace(/<[^>]+>/g, '')))
        .join(''),
    ),
  );
}

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function pdftotext(file: string, layout = true, page?: number): string {
  const args = [...(layout ? ['-layout'] : []), ...(page ? ['-f', String(page), '-l', String(page)] : []), file, '-'];
  return execFileSync('pdftotext', args, { encoding: 'utf8' });
}

export function pdfinfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

/** Rows of pdffonts: name, type, emb, sub. */
export function pdffonts(file: string): { name: string; emb: string; sub: string }[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    // name type... encoding emb sub uni object ID: emb/sub/uni are the 5th..3rd from the end
    return { name: cols[0], emb: cols[cols.length - 5], sub: cols[cols.length - 4] };
  });
}

/** LibreOffice's plain-text conversion of a document (as a Word user's other tools see it). */
export function libreofficeText(file: string): string {
  const out = mkdtempSync(path.join(tmpdir(), 'lo-'));
  const profile = mkdtempSync(path.join(tmpdir(), 'lo-profile-'));
  execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'txt:Text (encoded):UTF8', '--outdir', out, file], { stdio: 'pipe', timeout: 120_000 });
  return readFileSync(path.join(out, path.basename(file).replace(/\.docx$/, '.txt')), 'utf8');
}

/** LibreOffice's PDF of a document (fields such as PAGEREF updated by its own layout). */
export function libreofficePdf(file: string): string {
  const out = mkdtempSync(path.join(tmpdir(), 'lo-'));
  const profile = mkdtempSync(path.join(tmpdir(), 'lo-profile-'));
  execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', out, file], { stdio: 'pipe', timeout: 120_000 });
  return path.join(out, path.basename(file).replace(/\.docx$/, '.pdf'));
}

export function libreofficePdfPages(file: string): number {
  return Number(pdfinfo(libreofficePdf(file)).Pages);
}
