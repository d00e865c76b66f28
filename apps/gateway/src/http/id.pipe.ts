import { DomainError, ErrorCode } from '@docsession/contracts';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';

/** Any 8-4-4-4-12 hex id, of any case: what the routes' id parameters accept. */
const idSchema = z.guid();

/** An id path parameter, as the document shows it. */
export const pathIdSchema = (what: string) =>
  idSchema.meta({ description: `The ${what} id (an id that names nothing, or another tenant's, answers 404).` });

/** An id that is not a UUID names nothing: 404, like any other unknown id. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!idSchema.safeParse(value).success) throw new DomainError(ErrorCode.NotFound, 'No such id.');
    return value.toLowerCase();
  }
}
