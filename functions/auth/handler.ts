import { domainHandler } from '../../shared/http/pipeline';
import { Forbidden } from '../../shared/http/errors';
import { config } from '../../shared/config';
import { authApi } from './api';
import * as auth from './service';
import { signDevAssertion } from './assertion';

export const handler = domainHandler(authApi, {
  startQrLogin: ({ ctx }) => auth.startQrLogin(ctx),
  confirmQrLogin: ({ ctx, params, body }) => auth.confirmQrLogin(ctx, params.sessionId, body.assertion),
  pollQrLogin: ({ ctx, params }) => auth.pollQrLogin(ctx, params.sessionId),
  logout: ({ ctx }) => auth.logout(ctx),
  me: ({ ctx }) => auth.me(ctx),
  devCardScan: async ({ ctx, body }) => {
    // Belt and braces: the route is never deployed, and the handler refuses outside local mode.
    if (!config().localMode) throw new Forbidden('仅本地模式可用', 'LOCAL_ONLY');
    const assertion = await signDevAssertion(body.sessionId, body.idNumber, ctx.now);
    return auth.confirmQrLogin(ctx, body.sessionId, assertion);
  },
});
