import type { IncomingHttpHeaders } from 'node:http';
import { parseContentLength, parseContentType, pickFilename } from './headers';

describe('parseContentType', () => {
  it.each<[string | undefined, string | null]>([
    ['text/plain', 'text/plain'],
    ['Application/PDF; charset=binary', 'application/pdf'],
    ['  TEXT/HTML ;charset=UTF-8', 'text/html'],
    ['', null],
    [undefined, null],
  ])('%p -> %p', (header, expected) => {
    expect(parseContentType({ 'content-type': header })).toBe(expected);
  });
});

describe('parseContentLength', () => {
  it.each<[string | undefined, number | null]>([
    ['123', 123],
    ['0', 0],
    ['-1', null],
    ['12abc', null],
    [undefined, null],
  ])('%p -> %p', (header, expected) => {
    expect(parseContentLength({ 'content-length': header })).toBe(expected);
  });
});

describe('pickFilename', () => {
  const url = 'https://example.com/files/annual%20report.pdf?x=1';
  const withDisposition = (value: string): IncomingHttpHeaders => ({ 'content-disposition': value });

  it.each<[string, string | null]>([
    ['attachment; filename="report.pdf"', 'report.pdf'],
    ['attachment; filename=plain.txt', 'plain.txt'],
    ['inline;filename="semi;colon \\"q\\".txt"', 'semi;colon "q".txt'],
    ['attachment; filename="fallback.txt"; filename*=UTF-8\'\'%E2%82%AC%20rates.txt', '€ rates.txt'],
    ["attachment; filename*=iso-8859-1'en'%A3%20rates.txt", '£ rates.txt'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename=C:\\temp\\evil.exe', 'evil.exe'],
  ])('reads %s', (header, expected) => {
    expect(pickFilename(withDisposition(header), url)).toBe(expected);
  });

  it('falls back to the decoded last path segment', () => {
    expect(pickFilename({}, url)).toBe('annual report.pdf');
    expect(pickFilename(withDisposition('attachment'), url)).toBe('annual report.pdf');
    expect(pickFilename(withDisposition('attachment; filename*=bogus'), url)).toBe('annual report.pdf');
  });

  it('gives null when there is nothing to go on', () => {
    expect(pickFilename({}, 'https://example.com/')).toBeNull();
    expect(pickFilename({}, 'https://example.com/dir/')).toBeNull();
  });
});
