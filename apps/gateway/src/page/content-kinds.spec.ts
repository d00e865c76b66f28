import { contentKindOf, isInlineSafe, isTextLike, mediaTypeOf } from './content-kinds';

describe('content kinds', () => {
  it('reads the media type without parameters, lowercased', () => {
    expect(mediaTypeOf('Text/Markdown; charset=UTF-8')).toBe('text/markdown');
    expect(mediaTypeOf(' application/json ')).toBe('application/json');
  });

  it.each([
    'text/plain',
    'text/markdown',
    'text/csv',
    'text/html',
    'text/plain; charset=iso-8859-1',
    'application/json',
    'application/JSON; charset=utf-8',
    'application/xml',
    'application/ld+json',
    'application/atom+xml',
    'application/vnd.api+json',
    'application/yaml',
    'application/csv',
    'application/x-ndjson',
  ])('%s is text-like: the editor', (type) => {
    expect(isTextLike(type)).toBe(true);
    expect(contentKindOf(type)).toBe('text');
  });

  it.each([
    'application/octet-stream',
    'application/pdf',
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'image/svg+xml',
    'image/png',
    'application/jsonx',
    'application/json-seq-ish',
    'textual/plain',
  ])('%s is not text-like', (type) => {
    expect(isTextLike(type)).toBe(false);
  });

  it('previews images and PDF, offers the rest for download', () => {
    expect(contentKindOf('image/png')).toBe('image');
    expect(contentKindOf('image/jpeg')).toBe('image');
    expect(contentKindOf('image/svg+xml')).toBe('image');
    expect(contentKindOf('image/tiff')).toBe('other');
    expect(contentKindOf('application/pdf')).toBe('pdf');
    expect(contentKindOf('application/zip')).toBe('other');
    expect(contentKindOf('application/vnd.oasis.opendocument.text')).toBe('other');
  });

  it('serves inline only what cannot run as a page of our origin', () => {
    expect(isInlineSafe('application/pdf')).toBe(true);
    expect(isInlineSafe('image/png')).toBe(true);
    for (const type of ['image/svg+xml', 'text/html', 'application/xml', 'text/plain', 'application/octet-stream']) {
      expect(isInlineSafe(type)).toBe(false);
    }
  });
});
