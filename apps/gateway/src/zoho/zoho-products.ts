import type { BlankFormat } from './blank-documents';

/** Zoho's error kinds the adapter answers, each with its code in every product. */
export type ZohoErrorKind =
  | 'invalidValue'
  | 'missingParameter'
  | 'invalidSession'
  | 'invalidDocument'
  | 'usageExceeded'
  | 'invalidApiKey'
  | 'fileTooLarge'
  | 'urlImportFailed'
  | 'unsupportedType'
  | 'unavailable';

export interface ZohoError {
  code: number;
  message: string;
}

/**
 * One of Zoho Office Integrator's editors, as its v1 API shows it to an application:
 * where its routes are, what it calls its documents, the format of a blank one, and its
 * error codes (from Zoho's error pages; where a product documents no code of its own
 * for a case, the nearest one it documents is used, and the comment says so).
 */
export interface ZohoProduct {
  name: 'writer' | 'sheet' | 'show';
  /** `/writer/officeapi/v1` */
  base: string;
  /** The path segment of its documents: `documents`, `spreadsheet`, `presentation`. */
  documents: string;
  /** Where a preview is opened: Writer `document/preview`, the others `<documents>/preview`. */
  preview: string;
  /** Where a session is deleted: Writer `sessions/<id>`, Sheet and Show `session/<id>`. */
  sessionDelete: string;
  /** Zoho's `document_type` of what it edits. */
  documentType: string;
  blank: BlankFormat;
  errors: Record<ZohoErrorKind, ZohoError>;
}

const error = (code: number, message: string): ZohoError => ({ code, message });

export const WRITER: ZohoProduct = {
  name: 'writer',
  base: '/writer/officeapi/v1',
  documents: 'documents',
  preview: 'document/preview',
  sessionDelete: 'sessions',
  documentType: 'document',
  blank: 'docx',
  errors: {
    invalidValue: error(1831, 'Error occurred. Parameter value is either incorrect or invalid.'),
    missingParameter: error(1837, 'Mandatory parameter(s) missing.'),
    invalidSession: error(1833, 'Invalid session id provided. Please try again with correct session id.'),
    invalidDocument: error(1844, 'Invalid document id provided. Please try again with correct document id.'),
    usageExceeded: error(1845, 'API call limit exceeded.'),
    invalidApiKey: error(1846, 'Invalid API Key.'),
    // Writer documents no size or import code: the value of `document`/`url` is invalid.
    fileTooLarge: error(1831, 'Error occurred. Parameter value is either incorrect or invalid.'),
    urlImportFailed: error(1831, 'Error occurred. Parameter value is either incorrect or invalid.'),
    unsupportedType: error(1859, 'MIME type mismatch.'),
    unavailable: error(1861, 'Server may be down or busy. Please try again later.'),
  },
};

export const SHEET: ZohoProduct = {
  name: 'sheet',
  base: '/sheet/officeapi/v1',
  documents: 'spreadsheet',
  preview: 'spreadsheet/preview',
  sessionDelete: 'session',
  documentType: 'spreadsheet',
  blank: 'xlsx',
  errors: {
    // Sheet documents no "invalid value" code; 2832 follows Show's numbering (3832).
    invalidValue: error(2832, 'Error occurred. Parameter value is either incorrect or invalid.'),
    missingParameter: error(2831, 'Mandatory parameter(s) missing.'),
    invalidSession: error(2832, 'Error occurred. Parameter value is either incorrect or invalid.'),
    invalidDocument: error(2849, 'Import failed. The "documentid" value provided is either incorrect or invalid.'),
    usageExceeded: error(2893, 'UDS Limit or API usage exceeded.'),
    invalidApiKey: error(2890, 'Invalid API key.'),
    fileTooLarge: error(2841, 'Unable to import content.'),
    urlImportFailed: error(2841, 'Unable to import content.'),
    unsupportedType: error(2842, 'Invalid file extension.'),
    unavailable: error(2801, 'Internal Server Error while processing this request.'),
  },
};

export const SHOW: ZohoProduct = {
  name: 'show',
  base: '/show/officeapi/v1',
  documents: 'presentation',
  preview: 'presentation/preview',
  sessionDelete: 'session',
  documentType: 'presentation',
  blank: 'pptx',
  errors: {
    invalidValue: error(3832, 'Error occurred. Parameter value is either incorrect or invalid.'),
    missingParameter: error(3831, 'Mandatory parameter(s) missing.'),
    // Show documents no code for an unknown session: its id is an invalid value.
    invalidSession: error(3832, 'Error occurred. Parameter value is either incorrect or invalid.'),
    invalidDocument: error(3849, 'Import failed. The "documentid" value provided is either incorrect or invalid.'),
    usageExceeded: error(3893, 'UDS Limit or API usage exceeded.'),
    invalidApiKey: error(3890, 'Invalid API key.'),
    fileTooLarge: error(3835, 'File size limit exceeded.'),
    urlImportFailed: error(3840, 'Unable to import content from the specified URL.'),
    unsupportedType: error(3845, 'Content type did not match.'),
    unavailable: error(3500, 'Internal Server Error while processing this request.'),
  },
};
