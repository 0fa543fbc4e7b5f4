import { config } from '../../shared/config';
import { getItem } from '../../shared/db/store';
import { Device, type DeviceAttrs, type DeviceStage } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { badField } from '../../shared/http/errors';

/**
 * A QR login started on a kiosk (X-Terminal-Id of a registered kiosk): the citizen walks away
 * from a shared screen, so the session ends after KIOSK_IDLE_SECONDS (120) idle instead of the
 * window's 15 minutes. The terminal is read, not trusted: only a kiosk registered (or further)
 * to a point shortens the session; any other terminal logs in as usual.
 */
const KIOSK_READY: readonly DeviceStage[] = ['registered', 'installed', 'debugged', 'asset_transferred'];
const TERMINAL_RE = /^[0-9A-Za-z_-]{1,64}$/;

export async function kioskOfLogin(ctx: RequestCtx): Promise<{ terminalId: string; idleSeconds: number } | undefined> {
  const terminalId = ctx.terminalId;
  if (terminalId === undefined) return undefined;
  if (!TERMINAL_RE.test(terminalId)) throw badField('header.x-terminal-id', '无效的终端编号');
  const device = await getItem<DeviceAttrs & { kind?: string }>(Device.key({ id: terminalId }), true);
  // Devices are kiosks; a window PC registered as a terminal (kind "window") keeps the usual session.
  if (!device || !KIOSK_READY.includes(device.stage) || (device.kind !== undefined && device.kind !== 'kiosk')) return undefined;
  return { terminalId, idleSeconds: config().kioskIdleSeconds };
}

/** A session's idle limit: its own (a kiosk's) or the platform's. */
export const idleSecondsOf = (s: { idleSeconds?: number }): number => s.idleSeconds ?? config().sessionIdleSeconds;

/** How often a request records activity: at most every minute, and often enough for a short idle limit to be exact to a twelfth. */
export const touchEverySecondsOf = (s: { idleSeconds?: number }): number => Math.max(1, Math.min(60, Math.floor(idleSecondsOf(s) / 12)));
