import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blankDocument, type BlankFormat } from './blank-documents';

// The archive is read back by Info-ZIP's unzip, a reader that shares nothing with the writer.
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'blank-documents-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs unzip with its options, then the archive, then the entry names. */
function unzip(format: BlankFormat, options: string[], entries: string[] = []): string {
  const file = join(dir, `blank.${format}`);
  writeFileSync(file, blankDocument(format));
  return execFileSync('unzip', [...options, file, ...entries], { encoding: 'utf8' });
}
// unzip reads [ ] in an entry name as a wildcard set.
const part = (format: BlankFormat, name: string) => unzip(format, ['-p'], [name.replace(/[[\]]/g, '\\$&')]);

const MAIN_PART: Record<BlankFormat, [string, string]> = {
  docx: ['word/document.xml', 'wordprocessingml.document.main+xml'],
  xlsx: ['xl/workbook.xml', 'spreadsheetml.sheet.main+xml'],
  pptx: ['ppt/presentation.xml', 'presentationml.presentation.main+xml'],
};

describe.each(Object.keys(MAIN_PART) as BlankFormat[])('a blank %s', (format) => {
  it('is a ZIP archive whose every entry passes its CRC check', () => {
    expect(unzip(format, ['-t'])).toMatch(/No errors detected/);
  });

  it('declares its main part with the content type of its format, and points its package relationship at it', () => {
    const [mainPart, type] = MAIN_PART[format];
    const types = part(format, '[Content_Types].xml');
    expect(types).toContain(
      `<Override PartName="/${mainPart}" ContentType="application/vnd.openxmlformats-officedocument.${type}"/>`,
    );
    expect(part(format, '_rels/.rels')).toContain(`Target="${mainPart}"`);
    expect(part(format, mainPart)).toMatch(/^<\?xml version="1.0"/);
  });

  it('declares a content type for every XML part it holds, and holds every part it declares', () => {
    const listing = unzip(format, ['-Z1']).trim().split('\n');
    const declared = [...part(format, '[Content_Types].xml').matchAll(/PartName="\/([^"]+)"/g)].map((m) => m[1]);
    const xmlParts = listing.filter((name) => name.endsWith('.xml') && name !== '[Content_Types].xml');
    expect(xmlParts.sort()).toEqual(declared.sort());
  });

  it('is the same bytes every time', () => {
    expect(blankDocument(format).equals(blankDocument(format))).toBe(true);
  });
});
