import { DomainError, ErrorCode } from '@docsession/contracts';
import { DeadLetters, type DeadLetter } from '@docsession/platform';
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminGuard } from '../auth/admin.guard';
import { IdPipe } from '../http/id.pipe';

/** Most dead letters one listing shows: each is read off the queue and put back. */
export const DEAD_LETTERS_LISTED_MAX = 1_000;

export const deadLetterQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(DEAD_LETTERS_LISTED_MAX)
    .default(100)
    .meta({ description: 'How many to list, oldest first.' }),
});

export const deadLetterSchema = z
  .object({
    dead_letter_id: z.uuid().meta({ description: 'Names it for a replay.' }),
    event_id: z.string().nullable().meta({ description: "The event's id (for session.created, the session id)." }),
    pattern: z.string().nullable().meta({ example: 'session.created' }),
    queue: z
      .string()
      .nullable()
      .meta({ description: 'The queue (so the service) that gave it up; a replay puts it back there.' }),
    deliveries: z.int().min(0).meta({ description: 'Failed deliveries before it was given up.' }),
    last_error: z.string().nullable().meta({ description: 'Why the last delivery failed.' }),
    dead_lettered_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'DeadLetter' });

export const deadLettersSchema = z
  .object({
    dead_letters: z.array(deadLetterSchema),
    total: z.int().min(0).meta({ description: 'How many the dead-letter queue holds.' }),
  })
  .meta({ id: 'DeadLetters' });
export type DeadLettersView = z.infer<typeof deadLettersSchema>;

export const deadLetterReplayedSchema = z
  .object({ replayed: z.literal(true), dead_letter: deadLetterSchema })
  .meta({ id: 'DeadLetterReplayed' });
export type DeadLetterReplayed = z.infer<typeof deadLetterReplayedSchema>;

/**
 * Operator API over the dead-letter queue: events the consumers gave up after
 * EVENT_MAX_DELIVERIES failed deliveries (or at once, when they can never apply), with their
 * last error; and a replay of one, once its cause is fixed.
 */
@Controller('v1/admin/dead-letters')
@UseGuards(AdminGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  async list(@Query() query: unknown): Promise<DeadLettersView> {
    const { limit } = deadLetterQuerySchema.parse(query);
    const page = await this.deadLetters.list(limit);
    return { dead_letters: page.deadLetters.map(present), total: page.total };
  }

  /** Accepted: the event is back on its queue, its consumer processes it in its own time. */
  @Post(':deadLetterId/replay')
  @HttpCode(202)
  async replay(@Param('deadLetterId', IdPipe) deadLetterId: string): Promise<DeadLetterReplayed> {
    const letter = await this.deadLetters.replay(deadLetterId);
    if (!letter) throw new DomainError(ErrorCode.NotFound, 'No such dead letter.');
    return { replayed: true, dead_letter: present(letter) };
  }
}

function present(letter: DeadLetter): z.infer<typeof deadLetterSchema> {
  return {
    dead_letter_id: letter.deadLetterId,
    event_id: letter.eventId,
    pattern: letter.pattern,
    queue: letter.queue,
    deliveries: letter.deliveries,
    last_error: letter.lastError,
    dead_lettered_at: letter.deadLetteredAt,
  };
}
