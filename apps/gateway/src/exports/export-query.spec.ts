import { DomainError } from '@docsession/contracts';
import { parseExportQuery } from './export-query';

const FORMATS = ['csv', 'ndjson'] as const;

describe('parseExportQuery', () => {
  it('reads the period and the format', () => {
    const { period, format } = parseExportQuery({ period: '2026-11', format: 'ndjson' }, FORMATS);
    expect(period.start.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(period.endExclusive.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(format).toBe('ndjson');
  });

  it.each([
    [{ format: 'csv' }],
    [{ period: '2026-13', format: 'csv' }],
    [{ period: ['2026-10', '2026-11'], format: 'csv' }],
    [{ period: '2026-11' }],
    [{ period: '2026-11', format: 'json' }],
    [{ period: '2026-11', format: ['csv', 'csv'] }],
    [null],
    ['period=2026-11'],
  ])('answers 400 for %p', (query) => {
    expect(() => parseExportQuery(query, FORMATS)).toThrow(DomainError);
    try {
      parseExportQuery(query, FORMATS);
    } catch (err) {
      expect((err as DomainError).code).toBe('invalid_request');
    }
  });
});
