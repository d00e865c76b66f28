import { isAllowedType, resolveContentType } from './media-types';

describe('resolveContentType', () => {
  it('prefers the declared type, then the transport type, then the extension', () => {
    expect(resolveContentType('text/markdown', 'text/plain', 'a.txt')).toBe('text/markdown');
    expect(resolveContentType(undefined, 'Text/CSV; charset=utf-8', 'a.txt')).toBe('text/csv');
    expect(resolveContentType(undefined, 'application/octet-stream', 'notes.MD')).toBe('text/markdown');
    expect(resolveContentType(undefined, null, 'report.docx')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(resolveContentType(undefined, null, 'blob')).toBe('application/octet-stream');
  });
});

describe('isAllowedType', () => {
  it('allows everything when no list is set', () => {
    expect(isAllowedType('application/x-anything', [])).toBe(true);
  });

  it('matches exact types and type wildcards', () => {
    const allowed = ['text/*', 'application/pdf'];
    expect(isAllowedType('text/plain', allowed)).toBe(true);
    expect(isAllowedType('application/pdf', allowed)).toBe(true);
    expect(isAllowedType('image/png', allowed)).toBe(false);
  });
});
