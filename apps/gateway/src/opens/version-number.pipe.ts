import { DomainError, ErrorCode, MAX_VERSION_NUMBER } from '@docsession/contracts';
import { Injectable, type PipeTransform } from '@nestjs/common';

const DIGITS = /^[1-9][0-9]{0,9}$/;

/** A version number path parameter. Anything else names no version: 404, like an unknown number. */
@Injectable()
export class VersionNumberPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const number = DIGITS.test(value) ? Number(value) : NaN;
    if (!(number <= MAX_VERSION_NUMBER)) throw new DomainError(ErrorCode.NotFound, 'No such version.');
    return number;
  }
}
