import { timingSafeEqual } from 'node:crypto';
import { getItem } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { StatusLookupFailures, type CaseAttrs, type StatusLookupFailuresAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { Conflict, NotFound, TooManyRequests } from '../../shared/http/errors';
import { isoShanghai } from '../../shared/clock';
import { caseByNumber } from './lookup';

/**
 * GET /public/case-status: anyone holding the receipt sees where the case stands — no personal
 * data. A wrong code answers exactly like an unknown number (404). So that a check code cannot
 * be guessed, every lookup first takes one of the number's attempts (10 an hour, counted in
 * the table, for known and unknown numbers alike); a right code gives the attempt back. With
 * the attempts used up the number answers 429 for an hour after the last wrong one. The
 * attempt is taken before the code is compared, so parallel guesses cannot overtake the count.
 */
export const STATUS_MAX_FAILURES = 10;
const WINDOW_MS = 3600_000;
const LOCK_MS = 3600_000;

const locked = (f: StatusLookupFailuresAttrs | undefined, nowMs: number) =>
  f !== undefined && f.failures >= STATUS_MAX_FAILURES && Date.parse(f.lastAt) + LOCK_MS > nowMs;

function throttled(): TooManyRequests {
  return new TooManyRequests('查询过于频繁：此办件编号的查询码错误次数过多，请一小时后再试或持回执到服务点查询');
}

/** Takes one attempt for the number (its own Tx and log entry); 429 once they are used up. */
async function takeAttempt(ctx: RequestCtx, number: string): Promise<StatusLookupFailuresAttrs> {
  const nowMs = ctx.now.getTime();
  for (let i = 0; i < 4; i++) {
    const f = await getItem<StatusLookupFailuresAttrs>(StatusLookupFailures.key({ number }), true);
    if (locked(f, nowMs)) throw throttled();
    const fresh = !f || Date.parse(f.windowStart) + WINDOW_MS <= nowMs;
    const next: StatusLookupFailuresAttrs = {
      number,
      failures: fresh ? 1 : f.failures + 1,
      windowStart: fresh ? isoShanghai(ctx.now) : f.windowStart,
      lastAt: isoShanghai(ctx.now),
      ttl: Math.floor((nowMs + WINDOW_MS + LOCK_MS) / 1000),
      version: f ? f.version : 1,
    };
    const tx = new Tx(ctx);
    if (f) tx.replace(StatusLookupFailures.item(next), f.version);
    else tx.put(StatusLookupFailures.item(next));
    tx.log({ action: 'case.status_lookup', targetType: 'CaseNumber', targetId: number, after: { attempts: next.failures } });
    try {
      await tx.commit();
      return { ...next, version: f ? f.version + 1 : 1 };
    } catch (err) {
      if (err instanceof Conflict) continue; // another lookup of the number took one meanwhile
      throw err;
    }
  }
  // Many lookups of one number at the same moment: a guesser, not the applicant.
  throw throttled();
}

/** A right code: the attempt is given back (the applicant may look as often as they like). */
async function giveBack(ctx: RequestCtx, number: string): Promise<void> {
  await new Tx(ctx)
    .update(StatusLookupFailures.key({ number }), 'ADD #f :minus, #v :one', {
      condition: 'attribute_exists(pk) AND #f > :zero',
      names: { '#f': 'failures', '#v': 'version' },
      values: { ':minus': -1, ':one': 1, ':zero': 0 },
    })
    .log({ action: 'case.status_viewed', targetType: 'CaseNumber', targetId: number })
    .commit()
    .catch(() => undefined); // a window reset meanwhile already forgot the attempt
}

const sameCode = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The case's last change: acceptance, submission, decision, close or rating, whichever is latest. */
export function updatedAtOf(c: CaseAttrs): string {
  return [c.acceptedAt, c.submittedAt, c.decision?.at, c.closedAt, c.result?.at, c.rating?.at].filter((x): x is string => !!x).sort().at(-1)!;
}

export async function publicCaseStatus(ctx: RequestCtx, number: string, code: string) {
  await takeAttempt(ctx, number);
  const c = await caseByNumber(number);
  if (!c || !sameCode(code, c.checkCode)) throw new NotFound('办件编号或查询码不正确', 'CASE_NOT_FOUND');
  await giveBack(ctx, number);
  return { number: c.number, itemName: c.itemName, status: c.status, dueDate: c.dueDate, pointName: c.pointName, updatedAt: updatedAtOf(c) };
}
