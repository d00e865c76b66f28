import type { Provider, Type } from '@nestjs/common';
import { WriterDocumentsController } from './writer-documents.controller';
import { ZohoApiKeyGuard } from './zoho-api-key.guard';
import { zohoEditorController } from './zoho-editor.controller';
import { ZohoPlanController } from './zoho-plan.controller';
import { SHEET, SHOW, WRITER } from './zoho-products';

/** Zoho Office Integrator's v1 API (Writer, Sheet, Show, plan), over the native API's use cases. */
export const zohoControllers: Type<unknown>[] = [
  zohoEditorController(WRITER),
  WriterDocumentsController,
  zohoEditorController(SHEET),
  zohoEditorController(SHOW),
  ZohoPlanController,
];

export const zohoProviders: Provider[] = [ZohoApiKeyGuard];
