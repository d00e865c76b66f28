import { billingCsvLine, csvField, LEDGER_CSV_HEADER, ledgerLine, type LedgerRow } from './export-formats';

const row: LedgerRow = {
  event_id: '0b6f1a9e-0000-4000-8000-000000000001',
  occurred_at: '2026-11-27T03:28:54.123Z',
  tenant_id: '0b6f1a9e-0000-4000-8000-0000000000aa',
  session_id: '0b6f1a9e-0000-4000-8000-000000000001',
  document_id: '0b6f1a9e-0000-4000-8000-0000000000dd',
  user_id: 'u-17',
  kind: 'open',
};

describe('csvField', () => {
  it.each<[string | number | null, string]>([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    [42, '42'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['ünïcødé', 'ünïcødé'],
    // What a spreadsheet would run as a formula is written as text.
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
    ['u-17', 'u-17'],
  ])('%p -> %p', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('ledger lines', () => {
  it('has the header of API.md', () => {
    expect(LEDGER_CSV_HEADER).toBe('event_id,occurred_at,tenant_id,session_id,document_id,user_id,kind\n');
  });

  it('writes a CSV line in the header’s order, LF-terminated', () => {
    expect(ledgerLine(row, 'csv')).toBe(
      `${row.event_id},2026-11-27T03:28:54.123Z,${row.tenant_id},${row.session_id},${row.document_id},u-17,open\n`,
    );
    expect(ledgerLine({ ...row, user_id: null, kind: 'join' }, 'csv')).toMatch(/,,join\n$/);
  });

  it('writes an NDJSON line with the same columns in the same order, whatever order the row has', () => {
    const shuffled = Object.fromEntries(Object.entries(row).reverse()) as unknown as LedgerRow;
    const line = ledgerLine({ ...shuffled, user_id: null }, 'ndjson');
    expect(line.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(line))).toEqual(LEDGER_CSV_HEADER.trim().split(','));
    expect(JSON.parse(line).user_id).toBeNull();
    expect(line).not.toMatch(/: /);
  });
});

describe('billing lines', () => {
  it('quotes a tenant name that needs it', () => {
    expect(
      billingCsvLine({
        tenant_id: 't',
        tenant_name: 'Acme, "Inc"',
        period_start: '2026-11-01T00:00:00.000Z',
        period_end_exclusive: '2026-12-01T00:00:00.000Z',
        usage_limit: 10,
        billable_calls: 12,
        overage_calls: 2,
        ledger_sha256: 'ab',
      }),
    ).toBe('t,"Acme, ""Inc""",2026-11-01T00:00:00.000Z,2026-12-01T00:00:00.000Z,10,12,2,ab\n');
  });
});
